import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFakeGitHubWorld, type FakeGitHubWorld } from "../../src/demo/demo-world.js";
import { startServerProcess, type ServerProcess } from "../../src/demo/server-process.js";
import type { TestRepo } from "./git-repo.js";

export interface E2E {
  world: FakeGitHubWorld;
  server: ServerProcess;
  /** Where the server's JSON log goes. */
  logFile: string;
  /** Stops the server, the fake GitHub, and removes the repository. */
  close(): Promise<void>;
}

/**
 * The real server process against a fake GitHub serving `repo`, with one open PR per branch; `env`
 * adds to (or overrides) the server's environment.
 */
export async function startE2E(repo: TestRepo, branches: readonly string[], env: Record<string, string> = {}): Promise<E2E> {
  const world = await createFakeGitHubWorld(repo.dir, branches.map((branch, i) => ({ number: i + 1, title: branch, author: "dev", branch })));
  const logFile = join(mkdtempSync(join(tmpdir(), "gitgate-e2e-")), "server.log");
  const server = await startServerProcess({ ...world.env, ...env }, logFile);
  return {
    world,
    server,
    logFile,
    async close() {
      await server.stop();
      await world.close();
      await repo.remove();
    },
  };
}
