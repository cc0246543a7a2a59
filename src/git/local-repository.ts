import type { ChangeSet, ChangeStatus, FileChange } from "../engine/change-set.js";
import type { RepoReader } from "../config/repo-reader.js";
import { readBlobs } from "./read-blobs.js";
import { GitError, runGit } from "./run-git.js";

/** Resolves a ref to a commit sha, with a message naming the ref when it does not exist. */
export async function resolveCommit(repo: string, ref: string): Promise<string> {
  try {
    return (await runGit(repo, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).toString().trim();
  } catch (error) {
    throw new GitError(`"${ref}" is not a commit in ${repo}`, (error as GitError).exitCode);
  }
}

/** The branch a PR would target when none is given: origin's default branch, else main, else master. */
export async function defaultBaseRef(repo: string): Promise<string> {
  for (const ref of ["refs/remotes/origin/HEAD", "main", "master"]) {
    try {
      await resolveCommit(repo, ref);
      return ref === "refs/remotes/origin/HEAD" ? "origin/HEAD" : ref;
    } catch {
      // try the next candidate
    }
  }
  throw new GitError(`cannot tell the base branch of ${repo}: pass --base`, null);
}

/** A reader of one commit's files, for the control plane. */
export function commitReader(repo: string, commit: string, maxBytes = 4 * 1024 * 1024): RepoReader {
  return {
    async read(path) {
      const content = (await readBlobs(repo, [`${commit}:${path}`], maxBytes)).get(`${commit}:${path}`);
      if (content === undefined) return undefined;
      if (content.kind !== "text") throw new GitError(`${path} at ${commit.slice(0, 12)} is ${content.kind === "binary" ? "binary" : "too large"}`, null);
      return content.text;
    },
    async list(path) {
      const out = await runGit(repo, ["ls-tree", "-r", "-z", "--name-only", "--full-tree", commit, "--", path]);
      return out.toString().split("\0").filter(Boolean).sort();
    },
  };
}

const statusByLetter: Record<string, ChangeStatus> = { A: "added", M: "modified", D: "removed", R: "renamed", T: "modified", C: "added" };

/**
 * The change set of base...head (three dots, as a PR shows it): what head changed since it left
 * base, with both versions of every file, read in two git processes.
 */
export async function localChangeSet(repo: string, base: string, head: string, maxBytes: number): Promise<ChangeSet> {
  const mergeBase = (await runGit(repo, ["merge-base", base, head])).toString().trim();
  const fields = (await runGit(repo, ["diff", "-z", "--name-status", "-M", "--no-ext-diff", "--no-textconv", mergeBase, head]))
    .toString()
    .split("\0");
  const files: FileChange[] = [];
  for (let i = 0; i < fields.length - 1; ) {
    const letter = fields[i++]!.charAt(0);
    const status = statusByLetter[letter] ?? "modified";
    const first = fields[i++]!;
    if (letter === "R" || letter === "C") {
      const second = fields[i++]!;
      files.push(letter === "R" ? { path: second, status, previousPath: first } : { path: second, status });
    } else {
      files.push({ path: first, status });
    }
  }
  const specs = files.flatMap((f) => [
    ...(f.status !== "added" ? [`${mergeBase}:${f.previousPath ?? f.path}`] : []),
    ...(f.status !== "removed" ? [`${head}:${f.path}`] : []),
  ]);
  const blobs = await readBlobs(repo, specs, maxBytes);
  for (const file of files) {
    const before = blobs.get(`${mergeBase}:${file.previousPath ?? file.path}`);
    const after = blobs.get(`${head}:${file.path}`);
    if (before) file.before = before;
    if (after) file.after = after;
  }
  return { base: mergeBase, head, files };
}
