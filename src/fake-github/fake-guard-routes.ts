import { runGit } from "../git/run-git.js";
import type { FakePullRequest, FakeRepository } from "./fake-state.js";
import type { FakeRequest, FakeResponse } from "./fake-github.js";
import { fakeProtectionOf, type FakeIssue } from "./fake-protection.js";

type Route = (match: RegExpMatchArray, request: FakeRequest, url: URL) => Promise<FakeResponse> | FakeResponse;

/** What the guard's routes keep per repository, beside FakeRepository: labels, and the issues (served with the protection routes). */
interface GuardState {
  issues: FakeIssue[];
  labels: Set<string>;
}

const states = new WeakMap<FakeRepository, GuardState>();

/** The issues and labels of a fake repository (tests read the incidents here). */
export function guardState(repo: FakeRepository): GuardState {
  let state = states.get(repo);
  if (!state) states.set(repo, (state = { issues: fakeProtectionOf(repo).issues, labels: new Set() }));
  return state;
}

/** What the routes need from the fake: its repositories, body validation, ids and public address. */
export interface FakeRouteHost {
  repo(match: RegExpMatchArray): FakeRepository;
  invalidBody(operation: "POST git commit" | "POST git ref" | "PATCH git ref" | "POST pull" | "POST issue" | "POST label", request: FakeRequest): FakeResponse | undefined;
  nextId(): number;
  publicUrl(): string;
  pullJson(repo: FakeRepository, pr: FakePullRequest): Promise<Record<string, unknown>>;
  paginate<T>(items: readonly T[], url: URL): FakeResponse;
}

const web = (repo: FakeRepository) => `https://github.com/${repo.owner}/${repo.name}`;

/** A commit as the REST API shows it (compare, commits list, get a commit). */
export async function commitJson(repo: FakeRepository, sha: string) {
  const found = await repo.git.object(sha);
  if (found?.type !== "commit") throw new Error(`no commit ${sha}`);
  const raw = found.content.toString();
  const [header, ...message] = raw.split("\n\n");
  const lines = header!.split("\n");
  const tree = lines.find((l) => l.startsWith("tree "))!.slice(5);
  const parents = lines.filter((l) => l.startsWith("parent ")).map((l) => l.slice(7));
  const person = (kind: string) => {
    const line = lines.find((l) => l.startsWith(`${kind} `))!.slice(kind.length + 1);
    const m = /^(.*) <(.*)> (\d+) [+-]\d{4}$/.exec(line)!;
    return { name: m[1]!, email: m[2]!, date: new Date(Number(m[3]) * 1000).toISOString().replace(".000Z", "Z") };
  };
  const actors = repo.commitActors.get(sha);
  const byGitHub = repo.madeByGitHub.has(sha);
  // GitHub signs what it commits itself, as web-flow; the test repository's commits are unsigned.
  const verification = byGitHub ? { verified: true, reason: "valid", signature: "-----BEGIN PGP SIGNATURE-----", payload: raw, verified_at: person("committer").date } : { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null };
  return {
    sha,
    node_id: `C_${sha}`,
    url: `${web(repo)}/commits/${sha}`,
    html_url: `${web(repo)}/commit/${sha}`,
    commit: { message: message.join("\n\n").replace(/\n$/, ""), tree: { sha: tree }, author: person("author"), committer: person("committer"), verification },
    author: actors?.author ? { login: actors.author } : null,
    committer: byGitHub ? { login: "web-flow" } : actors?.committer ? { login: actors.committer } : null,
    parents: parents.map((p) => ({ sha: p })),
  };
}

/** Pull requests GitHub associates with a commit: the ones it is in, and the merged ones it landed. */
async function associatedPulls(repo: FakeRepository, sha: string): Promise<FakePullRequest[]> {
  const found: FakePullRequest[] = [];
  for (const pr of repo.pulls.values()) {
    if (pr.merged) {
      if (pr.merged.landed.includes(sha) || (await repo.git.commitsBetween(pr.merged.baseSha, pr.merged.headSha)).includes(sha)) found.push(pr);
    } else if (await repo.git.resolve(pr.headRef) && (await repo.git.commitsBetween(pr.baseRef, pr.headRef)).includes(sha)) {
      found.push(pr);
    }
  }
  return found;
}

/** The REST routes the guard and `gitgate guard` use, answered from the fake's git repositories. */
export function fakeGuardRoutes(host: FakeRouteHost): [string, RegExp, Route][] {
  return [
    ["GET", /^\/repos\/([^/]+)\/([^/]+)$/, (m) => {
      const repo = host.repo(m);
      return { status: 200, body: { name: repo.name, full_name: `${repo.owner}/${repo.name}`, owner: { login: repo.owner }, default_branch: "main", html_url: web(repo) } };
    }],
    ["GET", /^\/repos\/([^/]+)\/([^/]+)\/commits$/, async (m, _r, url) => {
      const repo = host.repo(m);
      const since = url.searchParams.get("since");
      const until = url.searchParams.get("until");
      const args = ["rev-list", url.searchParams.get("sha") ?? "main", ...(since ? [`--since=${since}`] : []), ...(until ? [`--until=${until}`] : [])];
      const shas = (await runGit(repo.git.dir, args)).toString().split("\n").filter(Boolean);
      return host.paginate(await Promise.all(shas.map((sha) => commitJson(repo, sha))), url);
    }],
    ["GET", /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)$/, async (m, _r, url) => {
      const repo = host.repo(m);
      const sha = await repo.git.resolve(decodeURIComponent(m[3]!));
      if (!sha) return { status: 422, body: { message: `No commit found for SHA: ${m[3]}` } };
      // Its files against its first parent (every file of a root commit), paged as GitHub pages them.
      const json = await commitJson(repo, sha);
      const files = json.parents.length > 0
        ? await repo.git.changedFiles(json.parents[0]!.sha, sha)
        : ((await repo.git.listTree(sha, true)) ?? []).filter((e) => e.type === "blob").map((e) => ({ filename: e.path, status: "added", sha: e.sha }));
      const perPage = Math.min(300, Number(url.searchParams.get("per_page") ?? 300));
      const page = Number(url.searchParams.get("page") ?? 1);
      return { status: 200, body: { ...json, files: files.slice((page - 1) * perPage, page * perPage) } };
    }],
    ["GET", /^\/repos\/([^/]+)\/([^/]+)\/commits\/([0-9a-f]{40})\/pulls$/, async (m, _r, url) => {
      const repo = host.repo(m);
      return host.paginate(await Promise.all((await associatedPulls(repo, m[3]!)).map((p) => host.pullJson(repo, p))), url);
    }],
    ["GET", /^\/repos\/([^/]+)\/([^/]+)\/git\/commits\/([0-9a-f]{40})$/, async (m) => {
      const json = await commitJson(host.repo(m), m[3]!);
      return { status: 200, body: { sha: json.sha, tree: json.commit.tree, parents: json.parents, message: json.commit.message, author: json.commit.author, committer: json.commit.committer } };
    }],
    ["POST", /^\/repos\/([^/]+)\/([^/]+)\/git\/commits$/, async (m, request) => {
      const invalid = host.invalidBody("POST git commit", request);
      if (invalid) return invalid;
      const repo = host.repo(m);
      const body = request.body as { message: string; tree: string; parents?: string[] };
      const identity = ["-c", "user.name=gitgate[bot]", "-c", "user.email=gitgate@users.noreply.github.invalid"];
      const sha = (await runGit(repo.git.dir, [...identity, "commit-tree", body.tree, ...(body.parents ?? []).flatMap((p) => ["-p", p]), "-m", body.message])).toString().trim();
      return { status: 201, body: await commitJson(repo, sha) };
    }],
    ["POST", /^\/repos\/([^/]+)\/([^/]+)\/git\/refs$/, async (m, request) => {
      const invalid = host.invalidBody("POST git ref", request);
      if (invalid) return invalid;
      const repo = host.repo(m);
      const { ref, sha } = request.body as { ref: string; sha: string };
      if (await repo.git.resolve(ref)) return { status: 422, body: { message: "Reference already exists" } };
      await runGit(repo.git.dir, ["update-ref", ref, sha]);
      return { status: 201, body: { ref, object: { sha, type: "commit" } } };
    }],
    ["PATCH", /^\/repos\/([^/]+)\/([^/]+)\/git\/refs\/(.+)$/, async (m, request) => {
      const invalid = host.invalidBody("PATCH git ref", request);
      if (invalid) return invalid;
      const repo = host.repo(m);
      const { sha } = request.body as { sha: string };
      await runGit(repo.git.dir, ["update-ref", `refs/${decodeURIComponent(m[3]!)}`, sha]);
      return { status: 200, body: { ref: `refs/${m[3]}`, object: { sha, type: "commit" } } };
    }],
    ["POST", /^\/repos\/([^/]+)\/([^/]+)\/pulls$/, async (m, request) => {
      const invalid = host.invalidBody("POST pull", request);
      if (invalid) return invalid;
      const repo = host.repo(m);
      const body = request.body as { title: string; head: string; base: string };
      const number = Math.max(0, ...repo.pulls.keys(), ...guardState(repo).issues.map((i) => i.number)) + 1;
      const pr: FakePullRequest = { number, title: body.title, author: "gitgate[bot]", headRef: body.head, baseRef: body.base, state: "open", draft: false, labels: [] };
      repo.pulls.set(number, pr);
      return { status: 201, body: await host.pullJson(repo, pr) };
    }],
    ["GET", /^\/repos\/([^/]+)\/([^/]+)\/labels\/([^/]+)$/, (m) => {
      const name = decodeURIComponent(m[3]!);
      return guardState(host.repo(m)).labels.has(name) ? { status: 200, body: { name, color: "b60205" } } : { status: 404, body: { message: "Not Found" } };
    }],
    ["POST", /^\/repos\/([^/]+)\/([^/]+)\/labels$/, (m, request) => {
      const invalid = host.invalidBody("POST label", request);
      if (invalid) return invalid;
      const { labels } = guardState(host.repo(m));
      const { name } = request.body as { name: string };
      if (labels.has(name)) return { status: 422, body: { message: "Validation Failed", errors: [{ code: "already_exists" }] } };
      labels.add(name);
      return { status: 201, body: { name } };
    }],
  ];
}

