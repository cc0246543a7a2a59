import { mkdir, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { runGit } from "../../src/git/run-git.js";
import type { TestRepo } from "./git-repo.js";

const identity = ["-c", "user.name=Test", "-c", "user.email=test@gitgate.invalid", "-c", "commit.gpgsign=false"];

export interface Links {
  /** Path → link text, committed as symbolic links (mode 120000). */
  symlinks?: Record<string, string>;
  /** Path → commit sha, committed as submodules (gitlinks, mode 160000) without checking anything out. */
  gitlinks?: Record<string, string>;
  files?: Record<string, string>;
}

/** Commits symlinks, gitlinks and files on a new branch `name` started from `from`, as a PR would. */
export async function branchWithLinks(repo: TestRepo, name: string, from: string, links: Links): Promise<void> {
  const git = (...args: string[]) => runGit(repo.dir, [...identity, ...args]);
  await git("checkout", "-q", "-b", name, from);
  for (const [path, content] of Object.entries(links.files ?? {})) {
    await mkdir(dirname(join(repo.dir, path)), { recursive: true });
    await writeFile(join(repo.dir, path), content);
  }
  for (const [path, target] of Object.entries(links.symlinks ?? {})) {
    await mkdir(dirname(join(repo.dir, path)), { recursive: true });
    await symlink(target, join(repo.dir, path));
  }
  await git("add", "-A");
  for (const [path, sha] of Object.entries(links.gitlinks ?? {})) await git("update-index", "--add", "--cacheinfo", `160000,${sha},${path}`);
  await git("commit", "-q", "--allow-empty", "-m", "links");
  await git("checkout", "-q", "-f", "main");
}
