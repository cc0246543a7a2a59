import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runGit } from "../src/git/run-git.js";

/**
 * A throwaway git repository for a bench: `git` runs in it as the bench's identity, `commit` writes
 * files (folders created) and commits them on the current branch.
 */
export async function createBenchRepo(prefix: string) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const git = (...args: string[]) => runGit(dir, ["-c", "user.name=bench", "-c", "user.email=bench@gitgate.invalid", ...args]);
  const commit = async (files: Record<string, string>) => {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    await git("add", "--", ...Object.keys(files));
    await git("commit", "-qm", "bench");
  };
  return { dir, git, commit };
}
