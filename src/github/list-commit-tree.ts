import type { GitHub, RepoRef } from "./github-types.js";

/**
 * Every file of a commit, in one request (REST `git/trees` with `recursive`), for rendering: blobs
 * (symlinks among them) and submodules, each with its object's SHA (what `git/blobs` reads a binary
 * file by). GitHub cuts a very large tree short (`truncated`); a partial list could hide a render
 * target, so that fails the evaluation instead.
 */
export async function listCommitTree(github: GitHub, repo: RepoRef, commit: string): Promise<Map<string, string>> {
  const { data } = await github.rest.git.getTree({ owner: repo.owner, repo: repo.repo, tree_sha: commit, recursive: "1" });
  if (data.truncated) throw new Error(`GitHub listed only part of the tree of ${commit.slice(0, 12)} (too many files): Gitgate cannot tell which Kustomize and Helm targets it has; set render: false to judge without rendering`);
  const files = new Map<string, string>();
  for (const e of data.tree) if ((e.type === "blob" || e.type === "commit") && e.path) files.set(e.path, e.sha ?? "");
  return files;
}
