import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { GitError, runGit } from "./run-git.js";

/**
 * The top folder of the git repository holding `dir`, so Gitgate finds `.github/gitgate.yml` from any
 * subfolder (run in `repo/k8s/`, it reads `repo/.github/gitgate.yml`). A folder outside any repository
 * is said plainly instead of as git's own error.
 */
export async function repositoryRoot(dir: string): Promise<string> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new GitError(`${dir} is not a folder: --repo names the repository to check`, null);
  try {
    return resolve((await runGit(dir, ["rev-parse", "--show-toplevel"])).toString().trim());
  } catch (error) {
    if (error instanceof GitError && error.exitCode !== null) {
      throw new GitError(`${resolve(dir)} is not inside a git repository: run gitgate in one, or pass --repo with its folder`, error.exitCode);
    }
    throw error;
  }
}
