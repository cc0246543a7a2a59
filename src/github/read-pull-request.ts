import { graphqlQuery } from "./graphql-query.js";
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
  /**
   * The other open PRs with the same head commit (into other bases). The check run belongs to the
   * commit, so it must answer for every one of them.
   */
  sameHead: PullRequestTarget[];
  /** Gitgate's sticky preview comment, when there is one. */
  commentId?: number;
  /** Gitgate's `gitgate/validate` check run on the head commit, when there is one. */
  checkRunId?: number;
}

const query = `query($owner: String!, $repo: String!, $number: Int!, $appId: Int!, $checkName: String!) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      ...target
      state
      comments(last: 100) { nodes { databaseId viewerDidAuthor body } }
      commits(last: 1) { nodes { commit {
        oid
        checkSuites(first: 10, filterBy: { appId: $appId }) { nodes { checkRuns(first: 5, filterBy: { checkName: $checkName }) { nodes { databaseId } } } }
        associatedPullRequests(first: 25, orderBy: { field: UPDATED_AT, direction: DESC }) { nodes { ...target state } }
      } } }
    }
  }
}
fragment target on PullRequest {
  number isDraft headRefOid baseRefOid baseRefName headRefName
  author { login }
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
  author: { login: string } | null;
  labels: { nodes: { name: string }[] };
}

interface Response {
  repository: {
    pullRequest: (TargetNode & {
      comments: { nodes: { databaseId: number; viewerDidAuthor: boolean; body: string }[] };
      commits: { nodes: { commit: { oid: string; checkSuites: { nodes: { checkRuns: { nodes: { databaseId: number }[] } }[] }; associatedPullRequests: { nodes: TargetNode[] } | null } }[] };
    }) | null;
  } | null;
}

/**
 * Everything Gitgate needs to know about a PR before judging it, in one query: where its head and
 * base are now (never trust the webhook's copy), and the check run and comment it already published.
 */
export async function readPullRequest(github: GitHub, repo: RepoRef, number: number, appId: number): Promise<PullRequestState | undefined> {
  const data = await graphqlQuery<Response>(github, query, { owner: repo.owner, repo: repo.repo, number, appId, checkName: checkNames.validate });
  const pr = data.repository?.pullRequest;
  if (!pr) return undefined;
  const comment = pr.comments.nodes.find((c) => c.viewerDidAuthor && c.body.startsWith(previewMarker));
  const head = pr.commits.nodes[0]?.commit;
  const checkRun = head?.oid === pr.headRefOid ? head.checkSuites.nodes.flatMap((s) => s.checkRuns.nodes)[0] : undefined;
  // The head commit's other open PRs (a commit is also associated with PRs it merely passed through).
  const sameHead = head?.oid === pr.headRefOid
    ? (head.associatedPullRequests?.nodes ?? []).filter((other) => other.number !== pr.number && other.state === "OPEN" && other.headRefOid === pr.headRefOid).map(targetOf)
    : [];
  return {
    ...targetOf(pr),
    open: pr.state === "OPEN",
    sameHead: sameHead.sort((a, b) => a.number - b.number),
    ...(comment ? { commentId: comment.databaseId } : {}),
    ...(checkRun ? { checkRunId: checkRun.databaseId } : {}),
  };
}

function targetOf(pr: TargetNode): PullRequestTarget {
  return {
    number: pr.number,
    draft: pr.isDraft,
    headSha: pr.headRefOid,
    baseSha: pr.baseRefOid,
    baseRef: pr.baseRefName,
    headRef: pr.headRefName,
    author: pr.author?.login ?? null,
    labels: pr.labels.nodes.map((l) => l.name),
  };
}
