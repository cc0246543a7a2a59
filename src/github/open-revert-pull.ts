import type { GitHub, RepoRef } from "./github-types.js";

/** Gitgate's revert branches: never guarded themselves (a revert must not raise an incident of its own). */
export const revertBranchPrefix = "gitgate/revert/";

export interface RevertRequest {
  branch: string;
  /** The incident's commit: names the revert branch, so one incident gets one revert. */
  incidentSha: string;
  /** The branch's tip the revert goes on top of. */
  tip: string;
  /** The tree the branch had before the bypass, and the commit it belonged to. */
  restoreTree: string;
  restoreSha: string;
  title: string;
  body: string;
}

/**
 * Opens a pull request that restores the branch's tree from before the bypass: one new commit on top
 * of the current tip whose tree is that older tree (git's data API: no checkout, no merge), on a
 * branch named after the incident. It is an ordinary pull request, judged by Gitgate like any other.
 * Returns the existing one when this incident already has a revert (a duplicate delivery).
 */
export async function openRevertPull(github: GitHub, repo: RepoRef, request: RevertRequest): Promise<{ number: number; url: string }> {
  const head = `${revertBranchPrefix}${request.incidentSha.slice(0, 12)}`;
  const existing = await github.rest.pulls.list({ owner: repo.owner, repo: repo.repo, head: `${repo.owner}:${head}`, state: "all", per_page: 1 });
  if (existing.data[0]) return { number: existing.data[0].number, url: existing.data[0].html_url };
  const message = `Revert ${request.branch} to ${request.restoreSha.slice(0, 12)} (before ${request.incidentSha.slice(0, 12)})\n\nOpened by Gitgate's guard: restores the tree ${request.branch} had before a change bypassed review.`;
  const { data: commit } = await github.rest.git.createCommit({ owner: repo.owner, repo: repo.repo, message, tree: request.restoreTree, parents: [request.tip] });
  try {
    await github.rest.git.createRef({ owner: repo.owner, repo: repo.repo, ref: `refs/heads/${head}`, sha: commit.sha });
  } catch (error) {
    // The branch exists (an earlier attempt stopped before its pull request): point it at this commit.
    if ((error as { status?: number }).status !== 422) throw error;
    await github.rest.git.updateRef({ owner: repo.owner, repo: repo.repo, ref: `heads/${head}`, sha: commit.sha, force: true });
  }
  const { data: pull } = await github.rest.pulls.create({ owner: repo.owner, repo: repo.repo, title: request.title.slice(0, 250), head, base: request.branch, body: request.body.slice(0, 60_000) });
  return { number: pull.number, url: pull.html_url };
}
