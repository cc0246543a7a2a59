import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FileChange } from "../src/engine/change-set.js";
import { ensureGoTool } from "../scripts/ensure-go-tool.js";

const conftestVersion = "v0.71.1";
const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * Runs conftest with the same built-in packs on the head version of the corpus and returns its wall
 * time in seconds, for a like-for-like throughput comparison (parse + policy).
 */
export async function timeConftest(files: readonly FileChange[]): Promise<{ seconds: number; version: string }> {
  const conftest = process.env.GITGATE_CONFTEST ?? ensureGoTool(join(root, ".cache/tools", conftestVersion, "conftest"), "github.com/open-policy-agent/conftest", conftestVersion);
  const dir = await mkdtemp(join(tmpdir(), "gitgate-bench-"));
  try {
    for (const file of files) {
      if (file.after?.kind !== "text") continue;
      await mkdir(dirname(join(dir, file.path)), { recursive: true });
      await writeFile(join(dir, file.path), file.after.text);
    }
    const args = ["test", "--no-color", "--output", "json", "-p", join(root, "policies/kubernetes"), "-p", join(root, "policies/gitops"), "-n", "builtin.kubernetes", "-n", "builtin.gitops", dir];
    const started = performance.now();
    const run = spawnSync(conftest, args, { maxBuffer: 512 * 1024 * 1024 });
    const seconds = (performance.now() - started) / 1000;
    if (run.status !== 0 && run.status !== 1) throw new Error(`conftest failed: ${run.stderr.toString()}`);
    return { seconds, version: conftestVersion };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
