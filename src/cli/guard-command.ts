import { decideProvenance, describeReason } from "../engine/guard/decide-provenance.js";
import { mergesToCompare } from "../engine/guard/merge-content.js";
import { readMergeContents } from "../github/read-merge-contents.js";
import type { AppCheckRun, CommitProvenance } from "../engine/guard/guard-types.js";
import { withEvaluationPool } from "../evaluation/evaluation-pool.js";
import { checkNames, type GitHub, type RepoRef } from "../github/github-types.js";
import { readGitHubControlPlane } from "../github/load-github-control-plane.js";
import { readProvenanceFacts } from "../github/read-provenance-facts.js";
import { maxVerifiedCommits, pushedCommit, type PushedCommit } from "../github/read-pushed-commits.js";
import { CannotDecideError } from "./approvals-command.js";
import { UsageError, type CliOptions } from "./cli-options.js";
import { githubClient } from "./token-client.js";

export interface GuardOutcome {
  output: string;
  status: 0 | 1;
  notes: string[];
}

/** Without --since, this much history is replayed. */
const defaultDays = 30;

/**
 * `gitgate guard --repo owner/name`: the App's guard replayed over a branch's history, through a token
 * and the same engine: every commit with the pull request it came through, and every bypass. Exit 1
 * when there is a bypass; a commit that cannot be decided throws CannotDecideError (exit 2).
 */
export async function runGuard(options: CliOptions, env: NodeJS.ProcessEnv, now: Date = new Date()): Promise<GuardOutcome> {
  const token = env.GITHUB_TOKEN;
  if (!token) throw new UsageError("guard reads the branch's history through the GitHub API: set GITHUB_TOKEN to a token that can read the repository");
  const [owner, name] = options.repo.split("/") as [string, string];
  const repo: RepoRef = { owner, repo: name };
  const github = githubClient(token, env.GITHUB_API_URL ?? "https://api.github.com");
  const notes: string[] = [];
  const cannot = (what: string) => (error: { status?: number; message: string }): never => {
    throw new CannotDecideError(error.status === 404 ? `${options.repo}: ${what} not found, or the token cannot read it` : `could not read ${what}: ${error.message}`);
  };
  const branch = options.branch ?? (await github.rest.repos.get({ owner, repo: name }).catch(cannot("the repository"))).data.default_branch;
  const since = options.since ?? new Date(now.getTime() - defaultDays * 86_400_000).toISOString();

  const listed = await readHistory(github, repo, branch, since).catch((error: Error & { status?: number }) => error instanceof CannotDecideError ? Promise.reject(error) : cannot(`branch ${branch}`)(error));
  const requireApproval = await approvalsRequired(github, repo, branch, env, notes);
  const facts = await readProvenanceFacts(github, repo, listed.map((c) => c.sha), branch, options.appId);
  const merges = [...facts.pullsByCommit.values()].some((pulls) => pulls.some((p) => p.merged));
  const appId = options.appId ?? trustedApp(facts.appsByRun, merges ? notes : []);
  // No App trusted: no run counts (every merge is unchecked), never every App's.
  const checksByCommit = new Map([...facts.checksByCommit].map(([sha, runs]) => [sha, runs.filter((r) => appId !== undefined && facts.appsByRun.get(r) === appId)]));
  const known = { branch, commits: listed, pullsByCommit: facts.pullsByCommit, checksByCommit, requireApproval };
  const mergeContents = await readMergeContents(github, repo, mergesToCompare(known)).catch(cannot("what the branch's merge commits change"));
  const verdicts = decideProvenance({ ...known, mergeContents });
  const undecided = verdicts.find((v) => v.verdict === "undecided");
  if (undecided) throw new CannotDecideError(`commit ${undecided.sha.slice(0, 12)}: ${(undecided as { reason: string }).reason}`);

  const rows = verdicts.map((v, i) => row(v, listed[i]!, branch));
  const bypasses = rows.filter((r) => r.verdict === "bypass").length;
  const output = options.format === "json"
    ? `${JSON.stringify({ repository: options.repo, branch, since, appId: appId ?? null, requireApproval, commits: rows, bypasses, notes }, null, 2)}\n`
    : renderText(options.repo, branch, since, rows, bypasses);
  return { output, status: bypasses > 0 ? 1 : 0, notes };
}

/** The branch's commits since the date, oldest first; more than the guard verifies is undecidable, never a partial answer. */
async function readHistory(github: GitHub, repo: RepoRef, branch: string, since: string): Promise<PushedCommit[]> {
  const commits: PushedCommit[] = [];
  for await (const page of github.paginate.iterator(github.rest.repos.listCommits, { owner: repo.owner, repo: repo.repo, sha: branch, since, per_page: 100 })) {
    commits.push(...page.data.map((c) => pushedCommit(c as Parameters<typeof pushedCommit>[0])));
    if (commits.length > maxVerifiedCommits) throw new CannotDecideError(`${branch} has more than ${maxVerifiedCommits} commits since ${since}: pass a later --since`);
  }
  return commits.reverse();
}

/** `gitgate/approval` is required when the branch's config has an `approvals:` section (as the App decides); without a config, both checks are. */
async function approvalsRequired(github: GitHub, repo: RepoRef, branch: string, env: NodeJS.ProcessEnv, notes: string[]): Promise<boolean> {
  const plane = await readGitHubControlPlane(github, repo, branch);
  if (!plane) {
    notes.push(`${repo.owner}/${repo.repo} has no .github/gitgate.yml on ${branch}: both gitgate/validate and gitgate/approval are required of every merge`);
    return true;
  }
  return (await withEvaluationPool(env, (pool) => pool.guardSettings(plane.source, plane.reader))).requireApproval;
}

/** The one App whose gitgate/validate runs count: several cannot be told apart (pass --app-id). */
function trustedApp(appsByRun: ReadonlyMap<AppCheckRun, number>, notes: string[]): number | undefined {
  const apps = new Set([...appsByRun].filter(([run]) => run.name === checkNames.validate).map(([, app]) => app));
  if (apps.size > 1) throw new UsageError(`several GitHub Apps publish gitgate/validate on this branch's pull requests (${[...apps].join(", ")}): pass --app-id with Gitgate's App ID`);
  if (apps.size === 0) notes.push("no GitHub App has published gitgate/validate on these commits' pull requests: every merge counts as unchecked");
  return [...apps][0];
}

interface Row {
  sha: string;
  verdict: "through-pr" | "bypass";
  pull: number | null;
  method: string | null;
  reasons: string[];
  message: string;
  author: string;
  date: string;
  url: string;
}

function row(v: CommitProvenance, commit: PushedCommit, branch: string): Row {
  const base = { sha: v.sha, message: commit.message.split("\n", 1)[0]!, author: commit.author, date: commit.date, url: commit.url };
  if (v.verdict === "through-pr") return { ...base, verdict: "through-pr", pull: v.pull, method: v.method, reasons: [] };
  return { ...base, verdict: "bypass", pull: v.verdict === "bypass" ? v.pull ?? null : null, method: null, reasons: v.verdict === "bypass" ? v.reasons.map((r) => describeReason(r, branch)) : [v.reason] };
}

function renderText(repository: string, branch: string, since: string, rows: readonly Row[], bypasses: number): string {
  const lines = [`gitgate guard ${repository} ${branch} since ${since}: ${rows.length} commit${rows.length === 1 ? "" : "s"}, ${bypasses} bypass${bypasses === 1 ? "" : "es"}`, ""];
  for (const r of rows) {
    const subject = r.message.slice(0, 72);
    if (r.verdict === "through-pr") lines.push(`  ok      ${r.sha.slice(0, 12)}  #${r.pull} (${r.method})  ${subject}`);
    else {
      lines.push(`  BYPASS  ${r.sha.slice(0, 12)}  ${r.date} ${r.author}  ${subject}`);
      for (const reason of r.reasons) lines.push(`          ${reason}`);
    }
  }
  lines.push("", bypasses === 0 ? `PASS: every commit reached ${branch} through a pull request Gitgate passed` : `FAIL: ${bypasses} commit${bypasses === 1 ? "" : "s"} reached ${branch} outside an approved pull request`);
  return `${lines.join("\n")}\n`;
}
