import type { Review, ReviewState } from "../engine/approvals/approval-types.js";
import type { FileContent } from "../engine/change-set.js";
import { graphqlQuery } from "./graphql-query.js";
import { recordedDigest } from "./verdict-records.js";
import { controlPlaneMaxBytes } from "../config/repo-reader.js";
import { entryContent, entryFields, type EntryNode } from "./read-files-at.js";
import { checkNames, previewMarker, type GitHub, type RepoRef } from "./github-types.js";

/** A pull request as far as judging it goes: its head, and the base whose rules judge it. */
export interface PullRequestTarget {
  number: number;
  draft: boolean;
  headSha: string;
  baseSha: string;
  baseRef: string;
  headRef: string;
  author: string | null;
  labels: string[];
}

export interface PullRequestState extends PullRequestTarget {
  open: boolean;
  /** The head branch is in a fork (another repository). */
  crossRepository: boolean;
  /**
   * The other open PRs with the same head commit (into other bases). The check run belongs to the
   * commit, so it must answer for every one of them.
   */
  sameHead: PullRequestTarget[];
  /** Gitgate's sticky preview comment, when there is one. */
  commentId?: number;
  /** Gitgate's `gitgate/validate` check run on the head commit, when there is one. */
  checkRunId?: number;
  /** The PR's page on GitHub (the approval check links to it while it waits). */
  url: string;
  /** What the approval check needs, read in the same query. */
  approvals: PullRequestApprovalFacts;
  /**
   * The control plane's entry files (config, exceptions, CODEOWNERS) at the base commit, when the
   * query's guess of the base (the `controlPlaneAt` branch) was right: reading them again costs nothing.
   */
  baseFiles?: ReadonlyMap<string, FileContent | undefined>;
}

export interface ReadPullRequestOptions {
  /**
   * The branch the PR is most likely based on (the webhook's word, else the default branch): its
   * control plane is read in the same query, and used only if it is the PR's actual base commit.
   */
  controlPlaneAt?: string;
  /** The files to read there. */
  controlPlanePaths?: readonly string[];
}

export interface PullRequestApprovalFacts {
  reviews: Review[];
  /** Each reviewer (lower case): a bot, and whether they can push to the repository. */
  reviewers: Map<string, { bot: boolean; canWrite: boolean }>;
  /** GitHub logins of the commits' authors, co-authors and committers. */
  contributors: string[];
  /** The pull request's commits (their SHAs): pushes of any of them are pushes to this pull request. */
  commits: string[];
  /** Those of them GitHub committed (web-flow): a merge into the pull request's branch may have made them. */
  committedByGitHub: string[];
  /** When the pull request was opened (ISO time): every push to its branch since is a push to it. */
  openedAt?: string;
  /** The governed-diff digest recorded for this pull request and its current base in each reviewed commit's (and the head's) gitgate/validate check run. */
  digestsByCommit: Map<string, string>;
  /** The digest the head's completed gitgate/validate check run records for this pull request and its current base. */
  headDigest?: string;
  /** When the pull request's base was last changed (ISO time), if ever: approvals given before are of another diff. */
  baseChangedAt?: string;
  /** The head's gitgate/validate check run has completed (a review waits for it otherwise). */
  headValidated: boolean;
  /**
   * Gitgate's `gitgate/approval` runs on the head: none or one, unless two jobs racing on one head each
   * created one. Each is marked and decided alike, so none keeps a verdict the others lost.
   */
  approvalCheckRunIds: number[];
  /** Those of them not completed (marked in progress by a validation, or never decided). */
  unfinishedApprovalRuns: number[];
  /**
   * Someone (Gitgate or a person) has ever requested a review on the pull request: GitHub's timeline
   * keeps the request even after the reviewer answered or the request was withdrawn. `request_reviews`
   * asks only while this is false, so once per pull request, and never over a person's own choice.
   */
  reviewRequested: boolean;
  /** Why the facts are incomplete (too many commits or reviews to list): the check then fails closed. */
  problem?: string;
}

/** GitHub lists at most this many commits of a pull request. */
export const maxListedCommits = 250;
const maxReviews = 100;
/** The control plane's entry files at a commit, asked in the PR's query (see readPullRequest). */
const controlPlaneFields = (paths: readonly string[]) =>
  `controlPlane: object(expression: $controlPlaneAt) { ... on Commit { oid ${paths.map((_, i) => `f${i}: file(path: $cp${i}) { ${entryFields} }`).join(" ")} } }`;

/** Authors read per commit: its author and `Co-authored-by` trailers. */
const authorsPerCommit = 10;

/**
 * Pull requests of the head commit read at most: beyond them, another open one with the same head
 * (whose approvals the check would also answer for) cannot be ruled out, and the approval check fails closed.
 */
const maxAssociatedPulls = 25;

const query = (paths: readonly string[]) => `query($owner: String!, $repo: String!, $number: Int!, $appId: Int!, $checkName: String!, $approvalName: String!, $controlPlaneAt: String!${paths.map((_, i) => `, $cp${i}: String!`).join("")}) {
  repository(owner: $owner, name: $repo) {
    ${controlPlaneFields(paths)}
    pullRequest(number: $number) {
      ...target
      state
      url
      isCrossRepository
      createdAt
      comments(last: 100) { nodes { databaseId viewerDidAuthor body } }
      reviewRequestEvents: timelineItems(itemTypes: [REVIEW_REQUESTED_EVENT], first: 1) { totalCount }
      baseChanges: timelineItems(itemTypes: [BASE_REF_CHANGED_EVENT, AUTOMATIC_BASE_CHANGE_SUCCEEDED_EVENT], last: 1) { nodes { ... on BaseRefChangedEvent { createdAt } ... on AutomaticBaseChangeSucceededEvent { createdAt } } }
      reviews(first: 100) { totalCount nodes {
        author { __typename login } state submittedAt authorCanPushToRepository
        commit { oid checkSuites(first: 10, filterBy: { appId: $appId }) { nodes { checkRuns(first: 1, filterBy: { checkName: $checkName }) { nodes { externalId status } } } } }
      } }
      prCommits: commits(first: 100) { ...contributors }
      commits(last: 1) { nodes { commit {
        oid
        checkSuites(first: 10, filterBy: { appId: $appId }) { nodes {
          checkRuns(first: 5, filterBy: { checkName: $checkName }) { nodes { databaseId externalId status } }
          approval: checkRuns(first: 5, filterBy: { checkName: $approvalName }) { nodes { databaseId status } }
        } }
        associatedPullRequests(first: ${maxAssociatedPulls}, orderBy: { field: UPDATED_AT, direction: DESC }) { totalCount nodes { ...target state } }
      } } }
    }
  }
}
fragment contributors on PullRequestCommitConnection {
  totalCount pageInfo { hasNextPage endCursor }
  nodes { commit { oid authors(first: ${authorsPerCommit}) { totalCount nodes { user { login } } } committer { user { login } } } }
}
fragment target on PullRequest {
  number isDraft headRefOid baseRefOid baseRefName headRefName
  author { __typename login }
  labels(first: 100) { nodes { name } }
}`;

interface TargetNode {
  number: number;
  state: "OPEN" | "CLOSED" | "MERGED";
  isDraft: boolean;
  headRefOid: string;
  baseRefOid: string;
  baseRefName: string;
  headRefName: string;
  author: Actor | null;
  labels: { nodes: { name: string }[] };
}

interface CommitsNode {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: { commit: { oid: string; authors: { totalCount: number; nodes: { user: { login: string } | null }[] }; committer: { user: { login: string } | null } | null } }[];
}

interface ReviewNode {
  author: Actor | null;
  state: ReviewState;
  submittedAt: string | null;
  authorCanPushToRepository: boolean;
  commit: { oid: string; checkSuites: { nodes: { checkRuns: { nodes: { externalId: string | null; status: string }[] } }[] } | null } | null;
}

interface Response {
  repository: {
    controlPlane: ({ oid: string } & Record<string, EntryNode | null | string>) | null;
    pullRequest: (TargetNode & {
      url: string;
      isCrossRepository: boolean;
      createdAt: string;
      comments: CommentsNode;
      reviews: { totalCount: number; nodes: ReviewNode[] };
      reviewRequestEvents: { totalCount: number };
      baseChanges: { nodes: ({ createdAt?: string } | null)[] };
      prCommits: CommitsNode;
      commits: { nodes: { commit: {
        oid: string;
        checkSuites: { nodes: { checkRuns: { nodes: { databaseId: number; externalId: string | null; status: string }[] }; approval: { nodes: { databaseId: number; status: string }[] } }[] };
        associatedPullRequests: { totalCount: number; nodes: TargetNode[] } | null;
      } }[] };
    }) | null;
  } | null;
}

type CommentsNode = { nodes: { databaseId: number; viewerDidAuthor: boolean; body: string }[] };

/** Gitgate's sticky preview comment among a PR's last 100 comments: its own, starting with the marker. */
function previewCommentId(comments: CommentsNode): number | undefined {
  return comments.nodes.find((c) => c.viewerDidAuthor && c.body.startsWith(previewMarker))?.databaseId;
}

const previewQuery = `query($owner: String!, $repo: String!, $number: Int!) {
  repository(owner: $owner, name: $repo) { pullRequest(number: $number) { state headRefOid comments(last: 100) { nodes { databaseId viewerDidAuthor body } } } }
}`;

/**
 * The PR's sticky preview comment as it is now, with the PR's head: what a comment job looks at
 * right before it writes, when another comment job may have created the comment since the PR was read.
 */
export async function readPreviewComment(github: GitHub, repo: RepoRef, number: number): Promise<{ open: boolean; headSha: string; commentId: number | undefined } | undefined> {
  const data = await graphqlQuery<{ repository: { pullRequest: { state: string; headRefOid: string; comments: CommentsNode } | null } | null }>(github, previewQuery, { owner: repo.owner, repo: repo.repo, number });
  const pr = data.repository?.pullRequest;
  return pr ? { open: pr.state === "OPEN", headSha: pr.headRefOid, commentId: previewCommentId(pr.comments) } : undefined;
}

const moreCommitsQuery = `query($owner: String!, $repo: String!, $number: Int!, $after: String!) {
  repository(owner: $owner, name: $repo) { pullRequest(number: $number) { commits(first: 100, after: $after) { ...contributors } } }
}
fragment contributors on PullRequestCommitConnection {
  totalCount pageInfo { hasNextPage endCursor }
  nodes { commit { oid authors(first: ${authorsPerCommit}) { totalCount nodes { user { login } } } committer { user { login } } } }
}`;

/**
 * Everything Gitgate needs to know about a PR before judging it, in one query: where its head and
 * base are now (never trust the webhook's copy), and the check run and comment it already published.
 */
export async function readPullRequest(github: GitHub, repo: RepoRef, number: number, appId: number, options: ReadPullRequestOptions = {}): Promise<PullRequestState | undefined> {
  const paths = options.controlPlanePaths ?? [];
  const variables: Record<string, unknown> = { owner: repo.owner, repo: repo.repo, number, appId, checkName: checkNames.validate, approvalName: checkNames.approval, controlPlaneAt: options.controlPlaneAt ?? "HEAD" };
  paths.forEach((path, i) => (variables[`cp${i}`] = path));
  const data = await graphqlQuery<Response>(github, query(paths), variables);
  const pr = data.repository?.pullRequest;
  if (!pr) return undefined;
  const plane = data.repository?.controlPlane;
  let baseFiles: Map<string, FileContent | undefined> | undefined;
  if (paths.length > 0 && plane?.oid === pr.baseRefOid) {
    baseFiles = new Map();
    for (const [i, path] of paths.entries()) {
      const entry = plane[`f${i}`] as EntryNode | null | undefined;
      baseFiles.set(path, entry ? await entryContent(github, repo, entry, controlPlaneMaxBytes) : undefined);
    }
  }
  const commentId = previewCommentId(pr.comments);
  const head = pr.commits.nodes[0]?.commit;
  const checkRun = head?.oid === pr.headRefOid ? head.checkSuites.nodes.flatMap((s) => s.checkRuns.nodes)[0] : undefined;
  const approvalRuns = head?.oid === pr.headRefOid ? head.checkSuites.nodes.flatMap((s) => s.approval.nodes) : [];
  // The head commit's other open PRs (a commit is also associated with PRs it merely passed through).
  const sameHead = head?.oid === pr.headRefOid
    ? (head.associatedPullRequests?.nodes ?? []).filter((other) => other.number !== pr.number && other.state === "OPEN" && other.headRefOid === pr.headRefOid).map(targetOf)
    : [];
  const digestOf = (externalId: string | null | undefined) => recordedDigest(externalId, pr.number, pr.baseRefName);
  const headDigest = digestOf(checkRun?.externalId);
  const baseChangedAt = pr.baseChanges.nodes[0]?.createdAt;
  return {
    ...targetOf(pr),
    open: pr.state === "OPEN",
    crossRepository: pr.isCrossRepository,
    sameHead: sameHead.sort((a, b) => a.number - b.number),
    ...(commentId !== undefined ? { commentId } : {}),
    ...(checkRun ? { checkRunId: checkRun.databaseId } : {}),
    url: pr.url,
    approvals: {
      ...withProblem(await approvalFacts(github, repo, number, pr.reviews, pr.prCommits, digestOf), head?.oid === pr.headRefOid && (head.associatedPullRequests?.totalCount ?? 0) > maxAssociatedPulls
        ? `the head commit belongs to ${head.associatedPullRequests!.totalCount} pull requests; Gitgate reads ${maxAssociatedPulls}, so another open one with this head (which the check would also answer for) cannot be ruled out`
        : undefined),
      headValidated: checkRun?.status === "COMPLETED",
      ...(headDigest !== undefined ? { headDigest } : {}),
      ...(baseChangedAt !== undefined ? { baseChangedAt } : {}),
      openedAt: pr.createdAt,
      approvalCheckRunIds: approvalRuns.map((run) => run.databaseId),
      unfinishedApprovalRuns: approvalRuns.filter((run) => run.status !== "COMPLETED").map((run) => run.databaseId),
      reviewRequested: pr.reviewRequestEvents.totalCount > 0,
    },
    ...(baseFiles ? { baseFiles } : {}),
  };
}

/**
 * Reviews, reviewers and contributors as the approval engine takes them. More commits than fit in the
 * first page are read a page at a time; more than GitHub lists (250) cannot be known, so the facts
 * carry a problem and the check fails closed.
 */
async function approvalFacts(github: GitHub, repo: RepoRef, number: number, reviews: { totalCount: number; nodes: ReviewNode[] }, first: CommitsNode, digestOf: (externalId: string | null | undefined) => string | undefined) {
  const problems: string[] = [];
  if (reviews.totalCount > maxReviews) problems.push(`the pull request has ${reviews.totalCount} reviews; Gitgate reads at most ${maxReviews}`);
  if (first.totalCount > maxListedCommits) problems.push(`the pull request has ${first.totalCount} commits; GitHub lists at most ${maxListedCommits}, so not every contributor can be known`);
  const pages = [first];
  let cursor = first.pageInfo.hasNextPage ? first.pageInfo.endCursor : null;
  while (cursor && problems.length === 0) {
    const more = await graphqlQuery<{ repository: { pullRequest: { commits: CommitsNode } | null } | null }>(github, moreCommitsQuery, { owner: repo.owner, repo: repo.repo, number, after: cursor });
    const page = more.repository?.pullRequest?.commits;
    if (!page) break;
    pages.push(page);
    cursor = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  }
  const contributors = new Set<string>();
  const commits = pages.flatMap((p) => p.nodes);
  // An author beyond those the query reads could be approving.
  const crowded = commits.filter(({ commit }) => commit.authors.totalCount > commit.authors.nodes.length).length;
  if (crowded > 0) problems.push(`${crowded} commit(s) of the pull request have more than ${authorsPerCommit} authors; Gitgate reads at most ${authorsPerCommit}, so not every contributor can be known`);
  for (const { commit } of commits) {
    for (const author of commit.authors.nodes) if (author.user) contributors.add(author.user.login);
    if (commit.committer?.user) contributors.add(commit.committer.user.login);
  }
  const reviewers = new Map<string, { bot: boolean; canWrite: boolean }>();
  const digestsByCommit = new Map<string, string>();
  const list: Review[] = [];
  for (const review of reviews.nodes) {
    // A review by a deleted account (no author) or one never submitted (a draft) counts for nothing.
    if (!review.author || !review.commit || !review.submittedAt) continue;
    const login = loginOf(review.author).toLowerCase();
    reviewers.set(login, { bot: review.author.__typename === "Bot", canWrite: review.authorCanPushToRepository });
    list.push({ user: login, state: review.state, commitId: review.commit.oid, submittedAt: review.submittedAt });
    const recorded = digestOf(review.commit.checkSuites?.nodes.flatMap((s) => s.checkRuns.nodes)[0]?.externalId);
    if (recorded !== undefined) digestsByCommit.set(review.commit.oid, recorded);
  }
  const committedByGitHub = commits.filter(({ commit }) => commit.committer?.user?.login === "web-flow").map(({ commit }) => commit.oid);
  return { reviews: list, reviewers, contributors: [...contributors], commits: commits.map(({ commit }) => commit.oid), committedByGitHub, digestsByCommit, ...(problems.length > 0 ? { problem: problems.join("; ") } : {}) };
}

interface Actor {
  __typename: string;
  login: string;
}

/** GraphQL names a bot `renovate`, where REST, CODEOWNERS and a config name it `renovate[bot]`. */
function loginOf(actor: Actor): string {
  return actor.__typename === "Bot" && !actor.login.endsWith("[bot]") ? `${actor.login}[bot]` : actor.login;
}

function targetOf(pr: TargetNode): PullRequestTarget {
  return {
    number: pr.number,
    draft: pr.isDraft,
    headSha: pr.headRefOid,
    baseSha: pr.baseRefOid,
    baseRef: pr.baseRefName,
    headRef: pr.headRefName,
    author: pr.author ? loginOf(pr.author) : null,
    labels: pr.labels.nodes.map((l) => l.name),
  };
}

/** The facts with one more reason they are incomplete (the check then fails closed). */
function withProblem<T extends { problem?: string }>(facts: T, problem: string | undefined): T {
  if (problem === undefined) return facts;
  return { ...facts, problem: facts.problem !== undefined ? `${facts.problem}; ${problem}` : problem };
}
