import { writeFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { runGit } from "../git/run-git.js";

const identity = ["-c", "user.name=Gitgate Example", "-c", "user.email=example@gitgate.invalid", "-c", "commit.gpgsign=false"];

/**
 * Moves `main` of the example repository on by one commit writing `files`, then rebases `branch` onto
 * it: the branch gets a new head whose own change is unchanged, as `git rebase main` (or GitHub's
 * "Update branch" with rebase) leaves it. Returns the new head.
 */
export async function advanceMainAndRebase(dir: string, branch: string, files: Record<string, string>): Promise<string> {
  const git = (...args: string[]) => runGit(dir, [...identity, ...args]);
  await git("checkout", "-q", "main");
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  await git("add", "-A");
  await git("commit", "-q", "-m", `main moves on: ${Object.keys(files).join(", ")}`);
  await git("rebase", "-q", "main", branch);
  const head = (await git("rev-parse", "HEAD")).toString().trim();
  await git("checkout", "-q", "main");
  return head;
}
