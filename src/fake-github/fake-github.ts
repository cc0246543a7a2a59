import { executeGraphql } from "./fake-graphql.js";
import { requestBodyProblems } from "./openapi-bodies.js";
import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import type { FakeActivity, FakeCheckRun, FakeComment, FakePullRequest, FakeRepository, FakeReview } from "./fake-state.js";
import { GitStore } from "./git-store.js";
import { commitJson, fakeGuardRoutes } from "./fake-guard-routes.js";
import { protectionRoutes } from "./fake-protection.js";

export interface FakeRequest {
  method: string;
  /** Path and query, e.g. `/repos/o/r/pulls/1/files?page=2`; a GHE `/api/v3` or `/api` prefix is accepted. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type Route = (match: RegExpMatchArray, request: FakeRequest, url: URL) => Promise<FakeResponse> | FakeResponse;

/**
 * An in-memory GitHub for tests and the demo: repositories are real git repositories, pull requests
 * point at their branches, and the REST and GraphQL calls Gitgate makes are answered from them.
 * Every request is recorded, so tests can count them and read what was sent.
 */
export class FakeGitHub {
  readonly repositories = new Map<string, FakeRepository>();
  readonly requests: FakeRequest[] = [];
  private nextId = 1000;
  /** The time of the latest review or base change (see tick). */
  private lastEventAt = 0;
  private readonly faults: { method: string; path: RegExp; status: number; remaining: number }[] = [];
  private readonly holds: { matches: (request: FakeRequest) => boolean; reached: () => void; released: Promise<void> }[] = [];
  /** GitHub's log of webhook deliveries to the App, newest last. */
  readonly deliveries: { id: number; guid: string; event: string; action: string | null; payload: unknown; status: string; status_code: number; delivered_at: string; redelivery: boolean }[] = [];
  /** Where the App receives webhooks, for redeliveries. */
  webhookTarget: { url: string; secret: string } | undefined;

  /** Records a delivery attempt in the App's delivery log (e.g. one the App never answered). */
  recordDelivery(event: string, payload: Record<string, unknown>, status: { status: string; status_code: number }, guid: string = randomUUID()): string {
    this.deliveries.push({ id: this.nextId++, guid, event, action: (payload.action as string | undefined) ?? null, payload, ...status, delivered_at: new Date().toISOString(), redelivery: false });
    return guid;
  }
  private readonly tokens = new Map<string, number>();

  /**
   * @param appId the App whose installation tokens the fake mints
   * @param publicUrl where clients reach the REST API (pagination links are absolute)
   */
  constructor(readonly appId: number, public publicUrl = "https://api.github.com") {}

  addRepository(owner: string, name: string, gitDir: string, installationId = 1): FakeRepository {
    const repo: FakeRepository = { owner, name, git: new GitStore(gitDir), installationId, pulls: new Map(), checkRuns: [], comments: [], reviews: [], activities: [], writers: new Set(), teams: new Map(), commitActors: new Map(), requestedReviewers: new Map(), madeByGitHub: new Set() };
    this.repositories.set(`${owner}/${name}`.toLowerCase(), repo);
    return repo;
  }

  openPullRequest(repo: FakeRepository, pr: Omit<FakePullRequest, "state" | "draft" | "labels"> & Partial<FakePullRequest>): FakePullRequest {
    const full: FakePullRequest = { state: "open", draft: false, labels: [], createdAt: this.tick(), ...pr };
    repo.pulls.set(full.number, full);
    return full;
  }

  /** A push to a branch as GitHub's repository activity records it, with who pushed (the test plays the pusher). */
  recordPush(repo: FakeRepository, push: { branch: string; actor: string | null; before: string; after: string; type?: FakeActivity["activity_type"]; at?: string }): void {
    repo.activities.push({ id: this.nextId++, ref: `refs/heads/${push.branch}`, activity_type: push.type ?? "push", actor: push.actor, before: push.before, after: push.after, timestamp: push.at ?? this.tick() });
  }

  /** A review as GitHub records it (the test plays the reviewer); returns its id. */
  async submitReview(repo: FakeRepository, review: { pullNumber: number; user: string; state: FakeReview["state"]; commitId?: string; bot?: boolean }): Promise<FakeReview> {
    const pr = repo.pulls.get(review.pullNumber);
    if (!pr) throw new Error(`no PR #${review.pullNumber}`);
    const commitId = review.commitId ?? (await repo.git.resolve(pr.headRef))!;
    const full: FakeReview = { id: this.nextId++, pullNumber: review.pullNumber, user: review.user, bot: review.bot ?? review.user.endsWith("[bot]"), state: review.state, commitId, submittedAt: this.tick() };
    repo.reviews.push(full);
    return full;
  }

  /**
   * Changes a pull request's base, as GitHub records it on its timeline: a base_ref_changed event, or,
   * with `automatic`, the event GitHub records when it retargets a pull request whose base was deleted.
   */
  retargetPullRequest(repo: FakeRepository, number: number, baseRef: string, options: { automatic?: boolean } = {}): void {
    const pr = repo.pulls.get(number);
    if (!pr) throw new Error(`no PR #${number}`);
    pr.baseRef = baseRef;
    pr.baseChanges = [...(pr.baseChanges ?? []), { at: this.tick(), automatic: options.automatic ?? false }];
  }

  /** Strictly increasing times (a second apart), as reviews and base changes made one after another have. */
  private tick(): string {
    this.lastEventAt = Math.max(Date.now(), this.lastEventAt + 1000);
    return new Date(this.lastEventAt).toISOString();
  }

  /** Dismisses a review: its state becomes DISMISSED, as on GitHub. */
  dismissReview(repo: FakeRepository, id: number): void {
    const review = repo.reviews.find((r) => r.id === id);
    if (review) review.state = "DISMISSED";
  }

  /** Stops the git processes behind the repositories. */
  close(): void {
    for (const repo of this.repositories.values()) repo.git.close();
  }

  repository(owner: string, name: string): FakeRepository | undefined {
    return this.repositories.get(`${owner}/${name}`.toLowerCase());
  }

  /** Requests made with installation tokens (what an evaluation costs), not token minting. */
  get apiRequests(): FakeRequest[] {
    return this.requests.filter((r) => !/\/access_tokens$/.test(new URL(r.url, "http://x").pathname));
  }

  /** Manifests confirmed on the "new App" page, by the one-time code GitHub redirects back with. */
  private readonly manifestCodes = new Map<string, Record<string, unknown>>();
  /** Apps registered through the manifest flow, with the credentials GitHub handed out. */
  readonly registeredApps: { id: number; manifest: Record<string, unknown>; webhookSecret: string; pem: string }[] = [];

  /**
   * What GitHub does when a person confirms a manifest on its "new App" page: a one-time code, which
   * GitHub hands to the manifest's redirect_url for the App to exchange.
   */
  confirmManifest(manifest: Record<string, unknown>): string {
    const code = `code-${randomUUID()}`;
    this.manifestCodes.set(code, manifest);
    return code;
  }

  /** Makes the next `times` matching requests fail with `status` (a flaky or failing GitHub). */
  failNext(method: string, path: RegExp, status: number, times = 1): void {
    this.faults.push({ method: method.toUpperCase(), path, status, remaining: times });
  }

  /**
   * Holds the first request `matches` accepts until `release` is called: GitHub slow at one point of
   * a job, so that a test can run another job in between, in an order it decides. `reached` resolves
   * once that request is held.
   */
  hold(matches: (request: FakeRequest) => boolean): { reached: Promise<void>; release: () => void } {
    let reached!: () => void;
    let release!: () => void;
    const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
    this.holds.push({ matches, reached, released: new Promise<void>((resolve) => (release = resolve)) });
    return { reached: reachedPromise, release };
  }

  async handle(request: FakeRequest): Promise<FakeResponse> {
    this.requests.push(request);
    const held = this.holds.findIndex((h) => h.matches(request));
    if (held >= 0) {
      const [hold] = this.holds.splice(held, 1);
      hold!.reached();
      await hold!.released;
    }
    const url = new URL(request.url, "http://fake.invalid");
    const path = url.pathname.replace(/^\/api\/v3(?=\/)/, "").replace(/^\/api\/graphql$/, "/graphql");
    const fault = this.faults.find((f) => f.remaining > 0 && f.method === request.method.toUpperCase() && f.path.test(path));
    if (fault) {
      fault.remaining--;
      return { status: fault.status, body: { message: `injected ${fault.status}` } };
    }
    for (const [method, pattern, route] of [...this.routes, ...this.guardRoutes]) {
      if (method !== request.method.toUpperCase()) continue;
      const match = path.match(pattern);
      if (match) {
        try {
          return await route(match, request, url);
        } catch (error) {
          // A route's own "Not Found" (an unknown repository) is GitHub's 404, not a server error.
          return { status: (error as { status?: number }).status ?? 500, body: { message: (error as Error).message } };
        }
      }
    }
    return { status: 404, body: { message: `Not Found: ${request.method} ${path}` } };
  }

  /** Bodies GitHub would reject are answered 422, as GitHub answers them, and kept for tests to see. */
  readonly rejectedBodies: { operation: string; problems: string[] }[] = [];

  private invalidBody(operation: Parameters<typeof requestBodyProblems>[0], request: FakeRequest): FakeResponse | undefined {
    const problems = requestBodyProblems(operation, request.body);
    if (problems.length === 0) return undefined;
    this.rejectedBodies.push({ operation, problems });
    return { status: 422, body: { message: "Invalid request.", errors: problems } };
  }

  private viewerAppId(request: FakeRequest): number | undefined {
    const auth = String(request.headers.authorization ?? "");
    const token = auth.replace(/^(token|bearer)\s+/i, "");
    return this.tokens.has(token) ? this.appId : undefined;
  }

  /** The installation whose token made the request. */
  private installationOf(request: FakeRequest): number | undefined {
    const token = String(request.headers.authorization ?? "").replace(/^(token|bearer)\s+/i, "");
    return this.tokens.get(token);
  }

  private repo(match: RegExpMatchArray): FakeRepository {
    const repo = this.repository(match[1]!, match[2]!);
    if (!repo) throw Object.assign(new Error("Not Found"), { status: 404 });
    return repo;
  }

  private readonly routes: [string, RegExp, Route][] = [
    // The manifest flow's code exchange: unauthenticated, each code once (GitHub: within an hour).
    ["POST", /^\/app-manifests\/([^/]+)\/conversions$/, (m) => {
      const manifest = this.manifestCodes.get(decodeURIComponent(m[1]!));
      if (!manifest) return { status: 404, body: { message: "Not Found" } };
      this.manifestCodes.delete(decodeURIComponent(m[1]!));
      const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
      const id = this.nextId++;
      const slug = String(manifest.name ?? "app").toLowerCase().replace(/[^a-z0-9]+/g, "-");
      const app = { id, manifest, webhookSecret: randomUUID(), pem: privateKey };
      this.registeredApps.push(app);
      return {
        status: 201,
        body: {
          id, slug, node_id: `A_${id}`, name: manifest.name, description: manifest.description ?? null, external_url: manifest.url ?? "",
          html_url: `${this.publicUrl.replace(/\/api\/v3$/, "")}/apps/${slug}`, owner: { login: "acme", id: 1, type: "Organization" },
          created_at: new Date().toISOString(), updated_at: new Date().toISOString(),
          permissions: manifest.default_permissions ?? {}, events: manifest.default_events ?? [],
          client_id: `Iv1.${id}`, client_secret: randomUUID().replaceAll("-", ""), webhook_secret: app.webhookSecret, pem: app.pem,
        },
      };
    }],
    ["POST", /^\/app\/installations\/(\d+)\/access_tokens$/, (m) => {
      const token = `ghs_fake${m[1]}x${this.nextId++}`;
      this.tokens.set(token, Number(m[1]));
      return { status: 201, body: { token, expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: { checks: "write", contents: "read", pull_requests: "write" }, repository_selection: "all" } };
    }],
    ["GET", /^\/app\/installations$/, (_m, _r, url) => {
      const ids = [...new Set([...this.repositories.values()].map((r) => r.installationId))].sort((a, b) => a - b);
      return paginate(ids.map((id) => ({ id, account: { login: [...this.repositories.values()].find((r) => r.installationId === id)!.owner }, app_id: this.appId, suspended_at: null })), url, this.publicUrl);
    }],
    ["GET", /^\/installation\/repositories$/, (_m, request, url) => {
      const installation = this.installationOf(request);
      const repos = [...this.repositories.values()].filter((r) => r.installationId === installation);
      const page = paginate(repos.map((r) => ({ name: r.name, full_name: `${r.owner}/${r.name}`, owner: { login: r.owner }, archived: false })), url, this.publicUrl);
      return { ...page, body: { total_count: repos.length, repositories: page.body } };
    }],
    ["GET", /^\/app\/hook\/deliveries$/, (_m, _r, url) => {
      const newestFirst = [...this.deliveries].reverse().map(({ payload: _payload, ...item }) => ({ ...item, duration: 0.1, installation_id: 1, repository_id: 1 }));
      const perPage = Number(url.searchParams.get("per_page") ?? 30);
      const start = Number(url.searchParams.get("cursor") ?? 0);
      const headers: Record<string, string> = {};
      if (start + perPage < newestFirst.length) headers.link = `<${this.publicUrl}/app/hook/deliveries?per_page=${perPage}&cursor=${start + perPage}>; rel="next"`;
      return { status: 200, headers, body: newestFirst.slice(start, start + perPage) };
    }],
    ["POST", /^\/app\/hook\/deliveries\/(\d+)\/attempts$/, async (m) => {
      const original = this.deliveries.find((d) => d.id === Number(m[1]));
      if (!original || !this.webhookTarget) return { status: 404, body: { message: "Not Found" } };
      const body = JSON.stringify(original.payload);
      const response = await fetch(this.webhookTarget.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": original.event,
          "x-github-delivery": original.guid,
          "x-hub-signature-256": `sha256=${createHmac("sha256", this.webhookTarget.secret).update(body).digest("hex")}`,
        },
        body,
      });
      await response.arrayBuffer();
      this.deliveries.push({ ...original, id: this.nextId++, status: response.ok ? "OK" : "Invalid HTTP Response: " + response.status, status_code: response.status, delivered_at: new Date().toISOString(), redelivery: true });
      return { status: 202, body: {} };
    }],
    ["POST", /^\/graphql$/, async (_m, request) => ({
      status: 200,
      body: await executeGraphql(request.body as { query: string; variables?: Record<string, unknown> }, {
        repository: (owner, name) => this.repository(owner, name),
        repositories: () => this.repositories.values(),
        viewerAppId: this.viewerAppId(request),
      }),
    })],
    ["GET", /^\/repos\/([^/]+)\/([^/]+)\/compare\/(.+)$/, async (m, _r, url) => {
      const repo = this.repo(m);
      const [base, head] = decodeURIComponent(m[3]!).split("...") as [string, string];
      const [baseSha, headSha] = await Promise.all([repo.git.resolve(base), repo.git.resolve(head)]);
      if (!baseSha || !headSha) return { status: 404, body: { message: "Not Found" } };
      const [mergeBase, files, ahead, { length: behind }] = await Promise.all([
        repo.git.mergeBase(baseSha, headSha),
        repo.git.changedFiles(baseSha, headSha),
        // Commits oldest first, 250 unless paged (per_page and page page through all of them).
        repo.git.commitsBetween(baseSha, headSha),
        repo.git.commitsBetween(headSha, baseSha),
      ]);
      const paged = url.searchParams.has("page") || url.searchParams.has("per_page");
      const perPage = Math.min(100, Number(url.searchParams.get("per_page") ?? 30));
      const page = Number(url.searchParams.get("page") ?? 1);
      const listed = paged ? ahead.slice((page - 1) * perPage, page * perPage) : ahead.slice(0, 250);
      const status = ahead.length === 0 ? (behind === 0 ? "identical" : "behind") : behind === 0 ? "ahead" : "diverged";
      return {
        status: 200,
        body: {
          status, ahead_by: ahead.length, behind_by: behind, total_commits: ahead.length,
          html_url: `https://github.com/${repo.owner}/${repo.name}/compare/${base}...${head}`,
          merge_base_commit: { sha: mergeBase }, base_commit: await commitJson(repo, baseSha),
          commits: await Promise.all(listed.map((sha) => commitJson(repo, sha))), files: files.slice(0, 300),
        },
      };
    }],
    ["GET", /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/files$/, async (m, _r, url) => {
      const repo = this.repo(m);
      const pr = repo.pulls.get(Number(m[3]));
      if (!pr) return { status: 404, body: { message: "Not Found" } };
      // By commit ids, which git's answer is remembered for: every page asks for the same diff. A merged
      // pull request keeps the files it changed when it was merged (its base has its head by now).
      const [base, head] = pr.merged ? [pr.merged.baseSha, pr.merged.headSha] : await Promise.all([repo.git.resolve(pr.baseRef), repo.git.resolve(pr.headRef)]);
      if (!base || !head) return { status: 404, body: { message: "Not Found" } };
      const files = (await repo.git.changedFiles(base, head)).slice(0, 3000);
      return paginate(files, url, this.publicUrl);
    }],
    ["GET", /^\/repos\/([^/]+)\/([^/]+)\/activity$/, (m, _r, url) => {
      const repo = this.repo(m);
      const ref = url.searchParams.get("ref");
      const kind = url.searchParams.get("activity_type");
      // Newest first, as GitHub lists them.
      const activities = repo.activities.filter((a) => (ref === null || a.ref === ref) && (kind === null || a.activity_type === kind)).reverse().map((a) => ({
        id: a.id, node_id: `A_${a.id}`, before: a.before, after: a.after, ref: a.ref, timestamp: a.timestamp, activity_type: a.activity_type, actor: a.actor === null ? null : { login: a.actor, type: "User" },
      }));
      return paginate(activities, url, this.publicUrl);
    }],
    ["GET", /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/reviews$/, (m, _r, url) => {
      const repo = this.repo(m);
      if (!repo.pulls.has(Number(m[3]))) return { status: 404, body: { message: "Not Found" } };
      const reviews = repo.reviews.filter((r) => r.pullNumber === Number(m[3])).map((r) => ({
        id: r.id, user: { login: r.user, type: r.bot ? "Bot" : "User" }, body: "", state: r.state, commit_id: r.commitId, submitted_at: r.submittedAt,
        html_url: `https://github.com/${repo.owner}/${repo.name}/pull/${m[3]}#pullrequestreview-${r.id}`,
      }));
      return paginate(reviews, url, this.publicUrl);
    }],
    ["GET", /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/, async (m) => {
      const repo = this.repo(m);
      const pr = repo.pulls.get(Number(m[3]));
      if (!pr) return { status: 404, body: { message: "Not Found" } };
      return { status: 200, body: await this.pullJson(repo, pr) };
    }],
    ["GET", /^\/repos\/([^/]+)\/([^/]+)\/pulls$/, async (m, _r, url) => {
      const repo = this.repo(m);
      const state = url.searchParams.get("state") ?? "open";
      const base = url.searchParams.get("base");
      const head = url.searchParams.get("head");
      const pulls = [...repo.pulls.values()].filter((p) => (state === "all" || p.state === state) && (!base || p.baseRef === base) && (!head || `${repo.owner}:${p.headRef}` === head));
      return paginate(await Promise.all(pulls.map((p) => this.pullJson(repo, p))), url, this.publicUrl);
    }],
    ["GET", /^\/repos\/([^/]+)\/([^/]+)\/git\/trees\/([0-9a-f]{40})$/, async (m, _r, url) => {
      const tree = await this.repo(m).git.listTree(m[3]!, url.searchParams.has("recursive"));
      return tree ? { status: 200, body: { sha: m[3], url: `${this.publicUrl}${url.pathname}`, tree, truncated: false } } : { status: 404, body: { message: "Not Found" } };
    }],
    ["GET", /^\/repos\/([^/]+)\/([^/]+)\/git\/blobs\/([0-9a-f]{40})$/, async (m) => {
      const content = await this.repo(m).git.blob(m[3]!);
      return { status: 200, body: { sha: m[3], size: content.length, encoding: "base64", content: content.toString("base64") } };
    }],
    ["POST", /^\/repos\/([^/]+)\/([^/]+)\/check-runs$/, (m, request) => {
      const invalid = this.invalidBody("POST check-runs", request);
      if (invalid) return invalid;
      const body = request.body as Record<string, unknown> & { output?: FakeCheckRun["output"] };
      const run: FakeCheckRun = {
        id: this.nextId++,
        appId: this.appId,
        name: String(body.name),
        head_sha: String(body.head_sha),
        status: String(body.status ?? "queued"),
        conclusion: (body.conclusion as string | undefined) ?? null,
        output: { annotations: [], ...(body.output ?? {}) },
        actions: (body.actions as Record<string, unknown>[] | undefined) ?? [],
        ...(typeof body.external_id === "string" ? { external_id: body.external_id } : {}),
        ...(typeof body.details_url === "string" ? { details_url: body.details_url } : {}),
      };
      this.repo(m).checkRuns.push(run);
      return { status: 201, body: checkRunJson(run) };
    }],
    ["PATCH", /^\/repos\/([^/]+)\/([^/]+)\/check-runs\/(\d+)$/, (m, request) => {
      const invalid = this.invalidBody("PATCH check-run", request);
      if (invalid) return invalid;
      const run = this.repo(m).checkRuns.find((r) => r.id === Number(m[3]));
      if (!run) return { status: 404, body: { message: "Not Found" } };
      const body = request.body as Record<string, unknown> & { output?: FakeCheckRun["output"] };
      if (body.status) run.status = String(body.status);
      if (body.conclusion) {
        run.conclusion = String(body.conclusion);
        run.status = "completed";
      }
      if (body.actions) run.actions = body.actions as Record<string, unknown>[];
      if (typeof body.external_id === "string") run.external_id = body.external_id;
      if (typeof body.details_url === "string") run.details_url = body.details_url;
      if (body.output) {
        // GitHub appends the annotations of every update to those already there.
        const { annotations = [], ...rest } = body.output;
        run.output = { ...run.output, ...rest, annotations: [...run.output.annotations, ...annotations] };
      }
      return { status: 200, body: checkRunJson(run) };
    }],
    ["GET", /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)\/check-runs$/, async (m, _r, url) => {
      const repo = this.repo(m);
      const sha = (await repo.git.resolve(decodeURIComponent(m[3]!))) ?? m[3];
      const name = url.searchParams.get("check_name");
      const appId = url.searchParams.get("app_id");
      const runs = repo.checkRuns.filter((r) => r.head_sha === sha && (!name || r.name === name) && (!appId || r.appId === Number(appId)));
      return { status: 200, body: { total_count: runs.length, check_runs: runs.map(checkRunJson) } };
    }],
    ["POST", /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/requested_reviewers$/, (m, request) => {
      const invalid = this.invalidBody("POST requested_reviewers", request);
      if (invalid) return invalid;
      const body = request.body as { reviewers?: string[]; team_reviewers?: string[] };
      const repo = this.repo(m);
      const number = Number(m[3]);
      const before = repo.requestedReviewers.get(number) ?? { users: [], teams: [] };
      repo.requestedReviewers.set(number, { users: [...before.users, ...(body.reviewers ?? [])], teams: [...before.teams, ...(body.team_reviewers ?? [])] });
      return { status: 201, body: { number } };
    }],
    ["POST", /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/, (m, request) => {
      const invalid = this.invalidBody("POST comment", request);
      if (invalid) return invalid;
      const comment: FakeComment = {
        id: this.nextId++,
        issueNumber: Number(m[3]),
        body: String((request.body as { body: string }).body),
        author: { login: "gitgate[bot]", ...(this.viewerAppId(request) ? { appId: this.appId } : {}) },
      };
      this.repo(m).comments.push(comment);
      return { status: 201, body: commentJson(comment) };
    }],
    ["PATCH", /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/, (m, request) => {
      const invalid = this.invalidBody("PATCH comment", request);
      if (invalid) return invalid;
      const comment = this.repo(m).comments.find((c) => c.id === Number(m[3]));
      if (!comment) return { status: 404, body: { message: "Not Found" } };
      comment.body = String((request.body as { body: string }).body);
      return { status: 200, body: commentJson(comment) };
    }],
    ...protectionRoutes({
      appId: () => this.appId,
      publicUrl: () => this.publicUrl,
      repo: (m) => this.repo(m),
      repositories: () => this.repositories.values(),
      installationOf: (request) => this.tokens.get(String(request.headers.authorization ?? "").replace(/^(token|bearer)\s+/i, "")),
      viewerAppId: (request) => this.viewerAppId(request),
      invalidBody: (operation, request) => this.invalidBody(operation, request),
      paginate: (items, url) => paginate(items, url, this.publicUrl),
    }),
  ];

  /** Commits, merged pull requests, issues and the revert's git writes (the guard's routes). */
  private readonly guardRoutes = fakeGuardRoutes({
    repo: (m) => this.repo(m),
    invalidBody: (operation, request) => this.invalidBody(operation, request),
    nextId: () => this.nextId++,
    publicUrl: () => this.publicUrl,
    pullJson: (repo, pr) => this.pullJson(repo, pr),
    paginate: (items, url) => paginate(items, url, this.publicUrl),
  });

  private async pullJson(repo: FakeRepository, pr: FakePullRequest) {
    const [head, base] = await Promise.all([pr.merged?.headSha ?? repo.git.resolve(pr.headRef), repo.git.resolve(pr.baseRef)]);
    return {
      number: pr.number,
      html_url: `https://github.com/${repo.owner}/${repo.name}/pull/${pr.number}`,
      merged_at: pr.merged?.mergedAt ?? null,
      merge_commit_sha: pr.merged?.mergeCommitSha ?? null,
      merged_by: pr.merged ? { login: pr.merged.mergedBy } : null,
      state: pr.state,
      title: pr.title,
      draft: pr.draft,
      user: { login: pr.author },
      labels: pr.labels.map((name) => ({ name })),
      head: { ref: pr.headRef, sha: head },
      base: { ref: pr.baseRef, sha: base },
    };
  }
}

function paginate<T>(items: readonly T[], url: URL, publicUrl: string): FakeResponse {
  const perPage = Math.min(100, Number(url.searchParams.get("per_page") ?? 30));
  const page = Number(url.searchParams.get("page") ?? 1);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  // As GitHub links pages: prev and first after the first page, next and last before the last one.
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string) => {
    const params = new URLSearchParams(url.searchParams);
    params.set("page", String(n));
    return `<${publicUrl}${url.pathname.replace(/^\/api\/v3(?=\/)/, "")}?${params}>; rel="${rel}"`;
  };
  const links = [...(page > 1 ? [link(page - 1, "prev")] : []), ...(page < last ? [link(page + 1, "next"), link(last, "last")] : []), ...(page > 1 ? [link(1, "first")] : [])];
  return { status: 200, headers: links.length > 0 ? { link: links.join(", ") } : {}, body: slice };
}

function checkRunJson(run: FakeCheckRun) {
  return { id: run.id, name: run.name, head_sha: run.head_sha, status: run.status, conclusion: run.conclusion, app: { id: run.appId, slug: run.appSlug ?? "gitgate" }, external_id: run.external_id ?? null, details_url: run.details_url ?? null, output: { ...run.output, annotations_count: run.output.annotations.length } };
}

function commentJson(comment: FakeComment) {
  return { id: comment.id, body: comment.body, user: { login: comment.author.login, type: comment.author.appId ? "Bot" : "User" } };
}
