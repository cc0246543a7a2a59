import type { GuardCommit } from "../engine/guard/guard-types.js";
import type { GitHub, RepoRef } from "./github-types.js";

/** A commit as the guard reports it: the graph for the engine, and who/what/when for people. */
export interface PushedCommit extends GuardCommit {
  treeSha: string;
  message: string;
  /** GitHub logins when GitHub matched the commit's emails to accounts, else the names in the commit. */
  author: string;
  /** `author` is the GitHub account GitHub matched to the author's e-mail, not a name anyone can write. */
  authorMatched: boolean;
  committer: string;
  date: string;
  url: string;
}

export interface PushedRange {
  commits: PushedCommit[];
  /** Commits of `base` no longer on the branch (a force push rewrote them away). */
  removed: number;
  /** The tree of `base`, for a revert to the tip before the push. */
  baseTreeSha: string;
}

/** A push this long is not verified commit by commit: the guard fails closed and says so. */
export const maxVerifiedCommits = 2048;
const perPage = 100;

/** The push is larger than the guard verifies: it cannot decide, and says so rather than verify a part. */
export class TooManyCommitsError extends Error {
  override name = "TooManyCommitsError";
}

type CompareCommit = { sha: string; html_url: string; parents: { sha: string }[]; author: { login: string } | null; committer: { login: string } | null; commit: { message: string; tree: { sha: string }; author: { name?: string; date?: string } | null; committer: { name?: string; date?: string } | null; verification?: { verified: boolean } } };

/** The account GitHub commits as when it merges, squashes or rebases (and signs with its own key). */
const gitHubCommitter = "web-flow";

/**
 * The commits `head` has that `base` does not (oldest first), through the compare API page by page:
 * GitHub lists at most 250 commits in one compare answer unless it is paged.
 */
export async function readPushedCommits(github: GitHub, repo: RepoRef, base: string, head: string): Promise<PushedRange> {
  const commits: PushedCommit[] = [];
  let removed = 0;
  let baseTreeSha = "";
  for (let page = 1; ; page++) {
    const { data } = await github.rest.repos.compareCommitsWithBasehead({ owner: repo.owner, repo: repo.repo, basehead: `${base}...${head}`, per_page: perPage, page });
    if (data.total_commits > maxVerifiedCommits) throw new TooManyCommitsError(`${data.total_commits} new commits (more than ${maxVerifiedCommits}) are too many to verify one by one`);
    removed = data.behind_by;
    baseTreeSha = data.base_commit.commit.tree.sha;
    commits.push(...(data.commits as CompareCommit[]).map(pushedCommit));
    if (data.commits.length < perPage || commits.length >= data.total_commits) break;
  }
  return { commits, removed, baseTreeSha };
}

export function pushedCommit(c: CompareCommit): PushedCommit {
  return {
    sha: c.sha,
    parents: c.parents.map((p) => p.sha),
    treeSha: c.commit.tree.sha,
    message: c.commit.message,
    author: c.author?.login ?? c.commit.author?.name ?? "unknown",
    authorMatched: c.author?.login !== undefined,
    committer: c.committer?.login ?? c.commit.committer?.name ?? "unknown",
    date: c.commit.committer?.date ?? c.commit.author?.date ?? "",
    url: c.html_url,
    // The signature makes it GitHub's: anyone can write web-flow's email into a commit, nobody else can sign as it.
    madeByGitHub: c.committer?.login === gitHubCommitter && c.commit.verification?.verified === true,
  };
}
