import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { FakeRequest, FakeResponse, Route } from "./fake-github.js";
import type { FakeRepository } from "./fake-state.js";

/** Classic branch protection as the PUT body sets it (GitHub's GET answers are built from it). */
export interface FakeClassicProtection {
  required_status_checks: { strict: boolean; checks: { context: string; app_id: number | null }[] } | null;
  enforce_admins: boolean;
  required_pull_request_reviews: { dismiss_stale_reviews: boolean; require_code_owner_reviews: boolean; required_approving_review_count: number; require_last_push_approval: boolean } | null;
  restrictions: { users: string[]; teams: string[]; apps: string[] } | null;
  required_linear_history: boolean;
  allow_force_pushes: boolean;
  allow_deletions: boolean;
  block_creations: boolean;
  required_conversation_resolution: boolean;
  lock_branch: boolean;
  allow_fork_syncing: boolean;
}

/** A repository ruleset in GitHub's shape (the fields tests set). */
export interface FakeRuleset {
  id: number;
  name: string;
  enforcement: "active" | "evaluate" | "disabled";
  /** `~DEFAULT_BRANCH`, `~ALL` or `refs/heads/<glob>`. */
  conditions: { ref_name: { include: string[]; exclude: string[] } };
  rules: { type: string; parameters?: Record<string, unknown> }[];
  bypass_actors: { actor_id: number | null; actor_type: string; bypass_mode: string }[];
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  labels: string[];
  /** The App that opened it through an installation token, or a user. */
  author: { login: string; appId?: number };
}

/** What the fake keeps per repository about protection, and the incident issues. */
export interface FakeProtectionState {
  defaultBranch: string;
  classic: Map<string, FakeClassicProtection>;
  rulesets: FakeRuleset[];
  issues: FakeIssue[];
  /** The App's Administration permission on the repository: none (cannot read protection), read, write (can change it). */
  administration: "none" | "read" | "write";
}

const states = new WeakMap<FakeRepository, FakeProtectionState>();

/** The protection state of a fake repository (created on first use: default branch main, unprotected). */
export function fakeProtectionOf(repo: FakeRepository): FakeProtectionState {
  let state = states.get(repo);
  if (!state) {
    state = { defaultBranch: "main", classic: new Map(), rulesets: [], issues: [], administration: "write" };
    states.set(repo, state);
  }
  return state;
}

/** Classic protection that meets everything the guard expects, for `appId`'s checks. */
export function fullProtection(appId: number, extra: Partial<FakeClassicProtection> = {}): FakeClassicProtection {
  return {
    required_status_checks: { strict: true, checks: [{ context: "gitgate/validate", app_id: appId }, { context: "gitgate/approval", app_id: appId }] },
    enforce_admins: true,
    required_pull_request_reviews: null,
    restrictions: null,
    required_linear_history: false,
    allow_force_pushes: false,
    allow_deletions: false,
    block_creations: false,
    required_conversation_resolution: false,
    lock_branch: false,
    allow_fork_syncing: false,
    ...extra,
  };
}

/** What the routes need from the fake that serves them. */
export interface RouteKit {
  appId(): number;
  publicUrl(): string;
  repo(match: RegExpMatchArray): FakeRepository;
  repositories(): Iterable<FakeRepository>;
  /** The installation whose token made the request, undefined for the App's own JWT. */
  installationOf(request: FakeRequest): number | undefined;
  /** The App, when an installation token made the request. */
  viewerAppId(request: FakeRequest): number | undefined;
  invalidBody(operation: "PUT branch protection" | "POST issue" | "PATCH issue", request: FakeRequest): FakeResponse | undefined;
  paginate<T>(items: readonly T[], url: URL): FakeResponse;
}

const forbidden: FakeResponse = { status: 403, body: { message: "Resource not accessible by integration", documentation_url: "https://docs.github.com/rest" } };

/** Branch protection, rulesets, branches, installations and issues, as GitHub's REST API answers them. */
export function protectionRoutes(kit: RouteKit): [string, RegExp, Route][] {
  const url = (repo: FakeRepository, path: string) => `${kit.publicUrl()}/repos/${repo.owner}/${repo.name}${path}`;
  const repoJson = (repo: FakeRepository) => ({ id: repo.installationId * 1000 + 1, node_id: "R_fake", name: repo.name, full_name: `${repo.owner}/${repo.name}`, owner: { login: repo.owner, id: 1, type: "Organization" }, private: true, archived: false, default_branch: fakeProtectionOf(repo).defaultBranch });
  const decode = (part: string) => decodeURIComponent(part);
  return [
    ["GET", /^\/app\/installations$/, (_m, _r, u) => {
      const ids = [...new Set([...kit.repositories()].map((r) => r.installationId))];
      return kit.paginate(ids.map((id) => ({ id, account: { login: [...kit.repositories()].find((r) => r.installationId === id)!.owner }, app_id: kit.appId(), target_type: "Organization", suspended_at: null, permissions: {}, events: [] })), u);
    }],
    ["GET", /^\/installation\/repositories$/, (_m, request, u) => {
      const installation = kit.installationOf(request);
      const repos = [...kit.repositories()].filter((r) => r.installationId === installation).map(repoJson);
      const page = kit.paginate(repos, u);
      return { ...page, body: { total_count: repos.length, repository_selection: "selected", repositories: page.body } };
    }],
    ["GET", /^\/repos\/([^/]+)\/([^/]+)$/, (m) => ({ status: 200, body: repoJson(kit.repo(m)) })],
    ["GET", /^\/repos\/([^/]+)\/([^/]+)\/branches$/, async (m, _r, u) => {
      const repo = kit.repo(m);
      const { stdout } = await promisify(execFile)("git", ["-C", repo.git.dir, "for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads"]);
      const branches = stdout.trim().split("\n").filter(Boolean).map((line) => line.split(" ") as [string, string]);
      return kit.paginate(branches.map(([name, sha]) => ({ name, commit: { sha, url: url(repo, `/commits/${sha}`) }, protected: fakeProtectionOf(repo).classic.has(name) })), u);
    }],
    ["GET", /^\/repos\/([^/]+)\/([^/]+)\/branches\/(.+)\/protection$/, (m) => {
      const repo = kit.repo(m);
      const state = fakeProtectionOf(repo);
      if (state.administration === "none") return forbidden;
      const protection = state.classic.get(decode(m[3]!));
      if (!protection) return { status: 404, body: { message: "Branch not protected", documentation_url: "https://docs.github.com/rest/branches/branch-protection#get-branch-protection" } };
      return { status: 200, body: protectionJson(url(repo, `/branches/${m[3]}/protection`), protection) };
    }],
    ["PUT", /^\/repos\/([^/]+)\/([^/]+)\/branches\/(.+)\/protection$/, (m, request) => {
      const repo = kit.repo(m);
      const state = fakeProtectionOf(repo);
      if (state.administration !== "write") return forbidden;
      const invalid = kit.invalidBody("PUT branch protection", request);
      if (invalid) return invalid;
      const body = request.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      const checks = body.required_status_checks as { strict: boolean; checks?: { context: string; app_id?: number }[]; contexts?: string[] } | null;
      const protection: FakeClassicProtection = {
        ...fullProtection(kit.appId()),
        required_status_checks: checks ? { strict: checks.strict, checks: checks.checks ? checks.checks.map((c) => ({ context: c.context, app_id: c.app_id === undefined || c.app_id === -1 ? null : c.app_id })) : (checks.contexts ?? []).map((context) => ({ context, app_id: null })) } : null,
        enforce_admins: body.enforce_admins === true,
        required_pull_request_reviews: body.required_pull_request_reviews ?? null,
        restrictions: body.restrictions ?? null,
        ...Object.fromEntries(["required_linear_history", "allow_force_pushes", "allow_deletions", "block_creations", "required_conversation_resolution", "lock_branch", "allow_fork_syncing"].map((k) => [k, body[k] === true])),
      };
      state.classic.set(decode(m[3]!), protection);
      return { status: 200, body: protectionJson(url(repo, `/branches/${m[3]}/protection`), protection) };
    }],
    ["GET", /^\/repos\/([^/]+)\/([^/]+)\/branches\/([^/]+(?:\/(?!protection$)[^/]+)*)$/, async (m) => {
      const repo = kit.repo(m);
      const name = decode(m[3]!);
      const sha = await repo.git.resolve(`refs/heads/${name}`);
      if (!sha) return { status: 404, body: { message: "Branch not found" } };
      const isProtected = fakeProtectionOf(repo).classic.has(name);
      return { status: 200, body: { name, commit: { sha, url: url(repo, `/commits/${sha}`) }, protected: isProtected, protection: { enabled: isProtected }, protection_url: url(repo, `/branches/${m[3]}/protection`), _links: { self: url(repo, `/branches/${m[3]}`), html: `https://github.com/${repo.owner}/${repo.name}/tree/${m[3]}` } } };
    }],
    ["GET", /^\/repos\/([^/]+)\/([^/]+)\/rules\/branches\/(.+)$/, (m, _r, u) => {
      const repo = kit.repo(m);
      const state = fakeProtectionOf(repo);
      const branch = decode(m[3]!);
      const rules = state.rulesets.filter((r) => r.enforcement === "active" && appliesTo(r, branch, state.defaultBranch))
        .flatMap((r) => r.rules.map((rule) => ({ ...rule, ruleset_source_type: "Repository", ruleset_source: `${repo.owner}/${repo.name}`, ruleset_id: r.id })));
      return kit.paginate(rules, u);
    }],
    ["GET", /^\/repos\/([^/]+)\/([^/]+)\/rulesets\/(\d+)$/, (m) => {
      const repo = kit.repo(m);
      const state = fakeProtectionOf(repo);
      const ruleset = state.rulesets.find((r) => r.id === Number(m[3]));
      if (!ruleset) return { status: 404, body: { message: "Not Found" } };
      const { bypass_actors, ...rest } = ruleset;
      // Who may bypass is only shown to those who may edit the ruleset.
      return { status: 200, body: { ...rest, target: "branch", source_type: "Repository", source: `${repo.owner}/${repo.name}`, node_id: `RRS_${ruleset.id}`, current_user_can_bypass: "never", ...(state.administration === "write" ? { bypass_actors } : {}), created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z" } };
    }],
    ["GET", /^\/repos\/([^/]+)\/([^/]+)\/issues$/, (m, _r, u) => {
      const repo = kit.repo(m);
      const state = u.searchParams.get("state") ?? "open";
      const labels = (u.searchParams.get("labels") ?? "").split(",").filter(Boolean);
      const issues = fakeProtectionOf(repo).issues.filter((i) => (state === "all" || i.state === state) && labels.every((l) => i.labels.includes(l)));
      return kit.paginate([...issues].reverse().map((i) => issueJson(repo, i)), u);
    }],
    ["POST", /^\/repos\/([^/]+)\/([^/]+)\/issues$/, (m, request) => {
      const invalid = kit.invalidBody("POST issue", request);
      if (invalid) return invalid;
      const repo = kit.repo(m);
      const body = request.body as { title: string; body?: string; labels?: string[] };
      const issues = fakeProtectionOf(repo).issues;
      const appId = kit.viewerAppId(request);
      // Issues and pull requests share one sequence of numbers.
      const issue: FakeIssue = { number: Math.max(0, ...repo.pulls.keys(), ...issues.map((i) => i.number)) + 1, title: String(body.title), body: body.body ?? "", state: "open", labels: body.labels ?? [], author: { login: appId ? "gitgate[bot]" : "someone", ...(appId ? { appId } : {}) } };
      issues.push(issue);
      return { status: 201, body: issueJson(repo, issue) };
    }],
    ["PATCH", /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/, (m, request) => {
      const invalid = kit.invalidBody("PATCH issue", request);
      if (invalid) return invalid;
      const repo = kit.repo(m);
      const issue = fakeProtectionOf(repo).issues.find((i) => i.number === Number(m[3]));
      if (!issue) return { status: 404, body: { message: "Not Found" } };
      const body = request.body as { title?: string; body?: string; state?: "open" | "closed" };
      if (body.title !== undefined) issue.title = body.title;
      if (body.body !== undefined) issue.body = body.body;
      if (body.state !== undefined) issue.state = body.state;
      return { status: 200, body: issueJson(repo, issue) };
    }],
  ];
}

function appliesTo(ruleset: FakeRuleset, branch: string, defaultBranch: string): boolean {
  const matches = (pattern: string) => pattern === "~ALL" || (pattern === "~DEFAULT_BRANCH" && branch === defaultBranch) || globToRegExp(pattern.replace(/^refs\/heads\//, "")).test(branch);
  return ruleset.conditions.ref_name.include.some(matches) && !ruleset.conditions.ref_name.exclude.some(matches);
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*")}$`);
}

function protectionJson(base: string, p: FakeClassicProtection) {
  const enabled = (value: boolean) => ({ enabled: value });
  const names = (list: { users: string[]; teams: string[]; apps: string[] }) => ({ users: list.users.map((login) => ({ login })), teams: list.teams.map((slug) => ({ slug })), apps: list.apps.map((slug) => ({ slug })) });
  return {
    url: base,
    ...(p.required_status_checks
      ? { required_status_checks: { url: `${base}/required_status_checks`, strict: p.required_status_checks.strict, contexts: p.required_status_checks.checks.map((c) => c.context), checks: p.required_status_checks.checks, contexts_url: `${base}/required_status_checks/contexts` } }
      : {}),
    enforce_admins: { url: `${base}/enforce_admins`, enabled: p.enforce_admins },
    ...(p.required_pull_request_reviews ? { required_pull_request_reviews: { url: `${base}/required_pull_request_reviews`, ...p.required_pull_request_reviews } } : {}),
    ...(p.restrictions ? { restrictions: { url: `${base}/restrictions`, users_url: `${base}/restrictions/users`, teams_url: `${base}/restrictions/teams`, apps_url: `${base}/restrictions/apps`, ...names(p.restrictions) } } : {}),
    required_signatures: { url: `${base}/required_signatures`, enabled: false },
    required_linear_history: enabled(p.required_linear_history),
    allow_force_pushes: enabled(p.allow_force_pushes),
    allow_deletions: enabled(p.allow_deletions),
    block_creations: enabled(p.block_creations),
    required_conversation_resolution: enabled(p.required_conversation_resolution),
    lock_branch: enabled(p.lock_branch),
    allow_fork_syncing: enabled(p.allow_fork_syncing),
  };
}

function issueJson(repo: FakeRepository, issue: FakeIssue) {
  return {
    id: issue.number * 7,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    labels: issue.labels.map((name) => ({ name })),
    user: { login: issue.author.login, type: issue.author.appId ? "Bot" : "User" },
    performed_via_github_app: issue.author.appId ? { id: issue.author.appId, slug: "gitgate" } : null,
    html_url: `https://github.com/${repo.owner}/${repo.name}/issues/${issue.number}`,
  };
}
