import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFakeGitHubWorld, type FakeGitHubWorld } from "../../src/demo/demo-world.js";
import { startServerProcess, type ServerProcess } from "../../src/demo/server-process.js";
import type { TestRepo } from "./git-repo.js";

export interface E2E {
  world: FakeGitHubWorld;
  server: ServerProcess;
  /** Stops the server, the fake GitHub, and removes the repository. */
  close(): Promise<void>;
}

/** The real server process against a fake GitHub serving `repo`, with one open PR per branch. */
export async function startE2E(repo: TestRepo, branches: readonly string[]): Promise<E2E> {
  const world = await createFakeGitHubWorld(repo.dir, branches.map((branch, i) => ({ number: i + 1, title: branch, author: "dev", branch })));
  const server = await startServerProcess(world.env, join(mkdtempSync(join(tmpdir(), "gitgate-e2e-")), "server.log"));
  return {
    world,
    server,
    async close() {
      await server.stop();
      await world.close();
      await repo.remove();
    },
  };
}
