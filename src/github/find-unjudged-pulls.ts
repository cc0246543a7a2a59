import { configPath } from "../config/config-types.js";
import { graphqlQuery } from "./graphql-query.js";
import { checkNames, type GitHub, type RepoRef } from "./github-types.js";

export interface UnjudgedPull {
  number: number;
  baseRef: string;
  headSha: string;
}

// Per open PR: its head, whether its base has a Gitgate config, and this App's validate and approval
// runs on the head.
// The organisation's `.github` repository may give every repository a config (`_extends`): then every
// PR is governed. A repository without either is skipped, so an ungoverned one costs nothing more.
const query = `query($owner: String!, $repo: String!, $appId: Int!, $checkName: String!, $approvalName: String!, $config: String!, $orgConfig: String!, $after: String) {
  org: repository(owner: $owner, name: ".github") { object(expression: $orgConfig) { oid } }
  repository(owner: $owner, name: $repo) {
    pullRequests(states: [OPEN], first: 100, after: $after, orderBy: { field: UPDATED_AT, direction: DESC }) {
      pageInfo { hasNextPage endCursor }
      nodes {
        number headRefOid baseRefName
        baseRef { target { ... on Commit { file(path: $config) { oid } } } }
        commits(last: 1) { nodes { commit { oid checkSuites(first: 10, filterBy: { appId: $appId }) { nodes { checkRuns(first: 5, filterBy: { checkName: $checkName }) { nodes { status } } approval: checkRuns(first: 5, filterBy: { checkName: $approvalName }) { nodes { status } } } } } } }
      }
    }
  }
}`;

interface Response {
  org: { object: { oid: string } | null } | null;
  repository: {
    pullRequests: {
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: {
        number: number;
        headRefOid: string;
        baseRefName: string;
        baseRef: { target: { file?: { oid: string } | null } | null } | null;
        commits: { nodes: { commit: { oid: string; checkSuites: { nodes: { checkRuns: { nodes: { status: string }[] }; approval: { nodes: { status: string }[] } }[] } | null } }[] };
      }[];
    };
  } | null;
}

/**
 * The open PRs of a repository whose current head has no completed `gitgate/validate` run of this
 * App although Gitgate governs them, or a `gitgate/approval` run left in progress: work that was
 * acknowledged but never finished (a crash, a lost job), or a delivery that never came. One query per
 * 100 open PRs, at most `maxPulls` PRs looked at.
 */
export async function findUnjudgedPulls(github: GitHub, repo: RepoRef, appId: number, maxPulls: number): Promise<{ pulls: UnjudgedPull[]; looked: number; complete: boolean }> {
  const pulls: UnjudgedPull[] = [];
  let after: string | null = null;
  let looked = 0;
  for (;;) {
    const data: Response = await graphqlQuery<Response>(github, query, { owner: repo.owner, repo: repo.repo, appId, checkName: checkNames.validate, approvalName: checkNames.approval, config: configPath, orgConfig: `HEAD:${configPath}`, after });
    const page = data.repository?.pullRequests;
    if (!page) return { pulls, looked, complete: true };
    const orgGoverns = Boolean(data.org?.object);
    for (const pr of page.nodes) {
      looked++;
      if (!orgGoverns && !pr.baseRef?.target?.file) continue;
      const head = pr.commits.nodes[0]?.commit;
      const suites = head?.oid === pr.headRefOid ? (head.checkSuites?.nodes ?? []) : [];
      const validated = suites.flatMap((s) => s.checkRuns.nodes).some((run) => run.status === "COMPLETED");
      // Marked in progress by its validation, and never decided: its approval job was lost.
      const approvalLeft = suites.flatMap((s) => s.approval.nodes).some((run) => run.status !== "COMPLETED");
      if (!validated || approvalLeft) pulls.push({ number: pr.number, baseRef: pr.baseRefName, headSha: pr.headRefOid });
    }
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return { pulls, looked, complete: true };
    if (looked >= maxPulls) return { pulls, looked, complete: false };
    after = page.pageInfo.endCursor;
  }
}
