import type { GitStore } from "./git-store.js";

export interface FakePullRequest {
  number: number;
  title: string;
  author: string;
  headRef: string;
  baseRef: string;
  state: "open" | "closed";
  draft: boolean;
  labels: string[];
  /** When it was opened (ISO time). */
  createdAt?: string;
  /** When its base was changed (see FakeGitHub.retargetPullRequest), oldest first; automatic: GitHub did it when the old base was deleted. */
  baseChanges?: { at: string; automatic: boolean }[];
  /** Set when merged (state closed): what landed on the base, and from which head. */
  merged?: FakeMerge;
}

export interface FakeMerge {
  /** The commit that landed it: merge commit, squash commit, last rebased commit, or merge-group head. */
  mergeCommitSha: string;
  headSha: string;
  /** The base's tip when it was merged (its own commits are base..head). */
  baseSha: string;
  /** Every commit the merge put on the base (several for a rebase merge). */
  landed: string[];
  mergedBy: string;
  /** When it was merged (ISO time), as GitHub's `merged_at`. */
  mergedAt: string;
}

export interface FakeCheckRun {
  id: number;
  appId: number;
  /** The App that published it when not this fake's (a GitHub Actions workflow's run: `github-actions`). */
  appSlug?: string;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  started_at?: string;
  completed_at?: string;
  output: { title?: string; summary?: string; text?: string; annotations: Record<string, unknown>[] };
  external_id?: string;
  details_url?: string;
  actions: Record<string, unknown>[];
}

export interface FakeComment {
  id: number;
  issueNumber: number;
  body: string;
  /** The App that wrote it through an installation token, or a user. */
  author: { login: string; appId?: number };
}

export interface FakeRepository {
  owner: string;
  name: string;
  git: GitStore;
  installationId: number;
  pulls: Map<number, FakePullRequest>;
  checkRuns: FakeCheckRun[];
  comments: FakeComment[];
  reviews: FakeReview[];
  /** Pushes to branches as GitHub's repository activity lists them (tests record who pushed). */
  activities: FakeActivity[];
  /** Logins with write access (everyone else who reviews can only read). */
  writers: Set<string>;
  /** The organisation's teams: slug → member logins. */
  teams: Map<string, string[]>;
  /** The GitHub logins linked to a commit (git only knows emails): author, co-authors (`Co-authored-by`), committer. */
  commitActors: Map<string, { author?: string; coAuthors?: string[]; committer?: string }>;
  /** Commits GitHub made and signed (its merge and squash commits): committed by web-flow, verified. */
  madeByGitHub: Set<string>;
  /** Reviews Gitgate requested: PR number → users and teams. */
  requestedReviewers: Map<number, { users: string[]; teams: string[] }>;
}

export interface FakeActivity {
  id: number;
  /** `refs/heads/<branch>`. */
  ref: string;
  activity_type: "push" | "force_push" | "branch_creation" | "branch_deletion" | "pr_merge" | "merge_queue_merge";
  /** Null when GitHub names nobody (a deleted account). */
  actor: string | null;
  before: string;
  after: string;
  timestamp: string;
}

export interface FakeReview {
  id: number;
  pullNumber: number;
  user: string;
  bot: boolean;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED";
  commitId: string;
  submittedAt: string;
}
