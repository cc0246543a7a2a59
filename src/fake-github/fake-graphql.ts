import { buildSchema, execute, GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema } from "graphql";
import { schema as published } from "@octokit/graphql-schema";
import type { FakePullRequest, FakeRepository } from "./fake-state.js";
import type { TreeEntry } from "./git-store.js";

let schema: GraphQLSchema | undefined;

/** GitHub's own published GraphQL schema: every query Gitgate sends is validated against it. */
function githubSchema(): GraphQLSchema {
  schema ??= buildSchema(published.idl, { assumeValidSDL: true });
  return schema;
}

export interface GraphqlContext {
  repository(owner: string, name: string): FakeRepository | undefined;
  repositories(): Iterable<FakeRepository>;
  /** The App whose installation token made the request. */
  viewerAppId: number | undefined;
}

const notFound = (message: string) => new GraphQLError(message, { extensions: { type: "NOT_FOUND" } });

/** Blob.text is truncated past this size, as GitHub truncates large blobs. */
export const blobTextLimit = 512 * 1024;

/**
 * Executes a GraphQL request against GitHub's schema with resolvers backed by the fake's state and
 * real git. Errors come back shaped as GitHub shapes them (a top-level `type`, e.g. NOT_FOUND).
 */
export async function executeGraphql(body: { query: string; variables?: Record<string, unknown> }, context: GraphqlContext): Promise<unknown> {
  const checked = checkedQuery(body.query);
  const result = "errors" in checked ? { errors: checked.errors } : await execute({
    schema: githubSchema(),
    document: checked.document,
    variableValues: body.variables ?? {},
    rootValue: {
      repository: ({ owner, name }: { owner: string; name: string }) => {
        const repo = context.repository(owner, name);
        if (!repo) throw notFound(`Could not resolve to a Repository with the name '${owner}/${name}'.`);
        return repositoryNode(repo, context);
      },
      // The organisation owning the repositories: its teams are those the tests define.
      organization: ({ login }: { login: string }) => {
        const repo = [...context.repositories()].find((r) => r.owner.toLowerCase() === login.toLowerCase());
        if (!repo) throw notFound(`Could not resolve to an Organization with the login of '${login}'.`);
        return {
          team: ({ slug }: { slug: string }) => {
            const members = repo.teams.get(slug.toLowerCase());
            if (!members) return null;
            return {
              members: ({ query, first }: { query?: string; first?: number }) => ({
                nodes: members.filter((m) => !query || m.toLowerCase().includes(query.toLowerCase())).slice(0, first ?? 100).map((login) => ({ login })),
              }),
            };
          },
        };
      },
    },
  });
  return {
    ...(result.data !== undefined ? { data: result.data } : {}),
    ...(result.errors ? { errors: result.errors.map((e) => ({ ...e.toJSON(), ...(e.extensions?.type ? { type: e.extensions.type } : {}) })) } : {}),
  };
}

/**
 * A query parsed and validated against GitHub's schema, kept by its text. Validation depends on the
 * text alone, not on the variables, and Gitgate sends the same text many times (a large change's
 * reads are queries of the same shape over different paths): validating each of them again made the
 * fake, not the App, the slow part of the App bench's 1,000-file PR.
 */
const checkedQueries = new Map<string, { document: DocumentNode } | { errors: readonly GraphQLError[] }>();
const maxCheckedQueries = 100;

function checkedQuery(text: string): { document: DocumentNode } | { errors: readonly GraphQLError[] } {
  let checked = checkedQueries.get(text);
  if (!checked) {
    checked = checkText(text);
    if (checkedQueries.size >= maxCheckedQueries) checkedQueries.delete(checkedQueries.keys().next().value!);
    checkedQueries.set(text, checked);
  }
  return checked;
}

function checkText(text: string): { document: DocumentNode } | { errors: readonly GraphQLError[] } {
  let document: DocumentNode;
  try {
    document = parse(text);
  } catch (error) {
    if (error instanceof GraphQLError) return { errors: [error] };
    throw error;
  }
  const errors = validate(githubSchema(), document);
  return errors.length > 0 ? { errors } : { document };
}

function repositoryNode(repo: FakeRepository, context: GraphqlContext) {
  return {
    name: repo.name,
    pullRequest: async ({ number }: { number: number }) => {
      const pr = repo.pulls.get(number);
      if (!pr) throw notFound(`Could not resolve to a PullRequest with the number of ${number}.`);
      return pullRequestNode(repo, pr, context);
    },
    // Open (or other) PRs, oldest number first, paged by an opaque cursor (an index).
    pullRequests: ({ states, first, after }: { states?: string[]; first?: number; after?: string }) => {
      const all = [...repo.pulls.values()].filter((pr) => !states || states.includes(pr.state === "open" ? "OPEN" : "CLOSED")).sort((a, b) => a.number - b.number);
      const start = after ? Number(after) : 0;
      const slice = all.slice(start, start + (first ?? all.length));
      return {
        totalCount: all.length,
        pageInfo: { hasNextPage: start + slice.length < all.length, endCursor: String(start + slice.length) },
        nodes: slice.map((pr) => pullRequestNode(repo, pr, context)),
      };
    },
    object: async ({ expression, oid }: { expression?: string; oid?: string }) => objectNode(repo, expression ?? oid ?? ""),
  };
}

async function pullRequestNode(repo: FakeRepository, pr: FakePullRequest, context: GraphqlContext) {
  const number = pr.number;
  const [headOid, baseOid] = await Promise.all([repo.git.resolve(pr.headRef), repo.git.resolve(pr.baseRef)]);
  return {
    number: pr.number,
    title: pr.title,
    state: pr.state === "open" ? "OPEN" : "CLOSED",
    isDraft: pr.draft,
    createdAt: pr.createdAt ?? new Date(0).toISOString(),
    // The fake's pull requests come from branches of the repository itself, never from forks.
    isCrossRepository: false,
    headRefOid: headOid,
    baseRefOid: baseOid,
    headRefName: pr.headRef,
    baseRef: baseOid ? { name: pr.baseRef, target: commitNode(repo, baseOid, context) } : null,
    baseRefName: pr.baseRef,
    author: actorNode(pr.author, pr.author.endsWith("[bot]")),
    labels: () => ({ nodes: pr.labels.map((name: string) => ({ name })) }),
    comments: ({ first, last }: { first?: number; last?: number }) => {
      const all = repo.comments.filter((c) => c.issueNumber === number);
      const nodes = last ? all.slice(-last) : all.slice(0, first ?? all.length);
      return { nodes: nodes.map((c) => ({ databaseId: c.id, body: c.body, viewerDidAuthor: c.author.appId !== undefined && c.author.appId === context.viewerAppId })) };
    },
    url: `https://github.com/${repo.owner}/${repo.name}/pull/${number}`,
    // All of the PR's commits, oldest first, paged by an opaque cursor (an index).
    commits: async ({ first, last, after }: { first?: number; last?: number; after?: string }) => {
      const all = await repo.git.commitsBetween(baseOid!, headOid!);
      const start = after ? Number(after) : 0;
      const slice = last ? all.slice(-last) : all.slice(start, start + (first ?? all.length));
      const end = last ? all.length : start + slice.length;
      return {
        totalCount: all.length,
        pageInfo: { hasNextPage: end < all.length, endCursor: String(end) },
        nodes: slice.map((oid) => ({ commit: commitNode(repo, oid, context) })),
      };
    },
    // Only review requests (one event per requested user or team) and base changes are kept on the fake's timeline.
    timelineItems: ({ itemTypes, first, last }: { itemTypes?: string[]; first?: number; last?: number }) => {
      const requested = repo.requestedReviewers.get(number);
      const events = [
        ...(itemTypes?.includes("REVIEW_REQUESTED_EVENT") && requested ? [...requested.users, ...requested.teams].map(() => ({ __typename: "ReviewRequestedEvent" })) : []),
        ...(pr.baseChanges ?? [])
          .filter((change) => itemTypes?.includes(change.automatic ? "AUTOMATIC_BASE_CHANGE_SUCCEEDED_EVENT" : "BASE_REF_CHANGED_EVENT"))
          .map((change) => ({ __typename: change.automatic ? "AutomaticBaseChangeSucceededEvent" : "BaseRefChangedEvent", createdAt: change.at })),
      ];
      return { totalCount: events.length, nodes: last ? events.slice(-last) : events.slice(0, first ?? events.length) };
    },
    reviews: ({ first }: { first?: number }) => {
      const all = repo.reviews.filter((r) => r.pullNumber === number);
      return {
        totalCount: all.length,
        nodes: all.slice(0, first ?? all.length).map((r) => ({
          author: actorNode(r.user, r.bot),
          state: r.state,
          submittedAt: r.submittedAt,
          authorCanPushToRepository: repo.writers.has(r.user.toLowerCase()),
          commit: commitNode(repo, r.commitId, context),
        })),
      };
    },
  };
}

async function objectNode(repo: FakeRepository, expression: string): Promise<unknown> {
  const found = await repo.git.object(expression);
  if (!found) return null;
  if (found.type === "commit") return commitNode(repo, found.oid);
  if (found.type === "tree") {
    const prefix = expression.includes(":") ? expression.slice(expression.indexOf(":") + 1).replace(/\/+$/, "") : "";
    return treeNode(repo, found.oid, prefix);
  }
  const content = found.content;
  const isBinary = content.subarray(0, 8000).includes(0);
  const text = isBinary ? null : content.toString("utf8");
  return {
    __typename: "Blob",
    oid: found.oid,
    byteSize: content.length,
    isBinary,
    isTruncated: !isBinary && content.length > blobTextLimit,
    text: text === null ? null : text.length > blobTextLimit ? text.slice(0, blobTextLimit) : text,
  };
}

function treeNode(repo: FakeRepository, oid: string, prefix: string) {
  return {
    __typename: "Tree",
    oid,
    entries: async () =>
      (await repo.git.treeEntries(oid, prefix)).map((entry) => treeEntryNode(repo, entry)),
  };
}

/** A TreeEntry as GitHub gives it: a submodule's commit lives in another repository, so its object is null. */
function treeEntryNode(repo: FakeRepository, entry: TreeEntry) {
  return {
    path: entry.path,
    name: entry.path.split("/").pop(),
    mode: entry.mode,
    type: entry.type,
    oid: entry.oid,
    object: () => (entry.type === "tree" ? treeNode(repo, entry.oid, entry.path) : entry.type === "blob" ? objectNode(repo, entry.oid) : null),
  };
}

/** An Actor as GraphQL gives it: a bot without the `[bot]` that REST (and a CODEOWNERS or config author) writes. */
function actorNode(login: string, bot: boolean) {
  return bot ? { __typename: "Bot", login: login.replace(/\[bot\]$/, "") } : { __typename: "User", login };
}

function commitNode(repo: FakeRepository, oid: string, context: GraphqlContext = { repository: () => undefined, repositories: () => [], viewerAppId: undefined }) {
  return {
    __typename: "Commit",
    oid,
    authors: ({ first }: { first: number }) => {
      const actors = repo.commitActors.get(oid);
      const logins = [actors?.author, ...(actors?.coAuthors ?? [])];
      return { totalCount: logins.length, nodes: logins.slice(0, first).map((login) => ({ user: login ? { login } : null })) };
    },
    committer: () => {
      const login = repo.commitActors.get(oid)?.committer;
      return { user: login ? { login } : null };
    },
    file: async ({ path }: { path: string }) => {
      const entry = await repo.git.entryAt(oid, path);
      return entry ? treeEntryNode(repo, entry) : null;
    },
    // Every PR whose head is this commit, whatever its state (GitHub also lists PRs the commit merely
    // belongs to); the fake does not page.
    // The pull requests whose head is this commit, most recently updated (here: last opened) first.
    associatedPullRequests: async ({ first }: { first?: number }): Promise<{ totalCount: number; nodes: unknown[] }> => {
      const pulls = [...repo.pulls.values()].reverse();
      const heads = await Promise.all(pulls.map((pr) => repo.git.resolve(pr.headRef)));
      const associated = pulls.filter((_, i) => heads[i] === oid);
      return { totalCount: associated.length, nodes: await Promise.all(associated.slice(0, first ?? associated.length).map((pr) => pullRequestNode(repo, pr, context))) };
    },
    checkSuites: ({ filterBy }: { filterBy?: { appId?: number } }) => {
      const runs = repo.checkRuns.filter((r) => r.head_sha === oid && (filterBy?.appId === undefined || r.appId === filterBy.appId));
      const apps = [...new Set(runs.map((r) => r.appId))];
      return {
        nodes: apps.map((appId) => ({
          app: { databaseId: appId },
          checkRuns: ({ filterBy: runFilter }: { filterBy?: { checkName?: string } }) => ({
            nodes: runs.filter((r) => r.appId === appId && (runFilter?.checkName === undefined || r.name === runFilter.checkName))
              .map((r) => ({ databaseId: r.id, name: r.name, externalId: r.external_id ?? null, status: r.status.toUpperCase() })),
          }),
        })),
      };
    },
  };
}
