import { parentsFirst } from "../engine/guard/commit-graph.js";
import { decideProvenance } from "../engine/guard/decide-provenance.js";
import { mergesToCompare } from "../engine/guard/merge-content.js";
import type { AppCheckRun, CommitProvenance } from "../engine/guard/guard-types.js";
import { withEvaluationPool } from "../evaluation/evaluation-pool.js";
import { checkNames, type GitHub, type RepoRef } from "../github/github-types.js";
import { readGitHubControlPlane } from "../github/load-github-control-plane.js";
import { readMergeContents } from "../github/read-merge-contents.js";
import { readProvenanceFacts, type ProvenanceFacts } from "../github/read-provenance-facts.js";
import { mapConcurrent } from "../engine/map-concurrent.js";
import { maxVerifiedCommits, pushedCommit, type PushedCommit } from "../github/read-pushed-commits.js";
import { readPushedWithin } from "../github/read-pushed-within.js";
import { CannotDecideError } from "./approvals-command.js";
import { UsageError, type CliOptions } from "./cli-options.js";
import { githubClient } from "./token-client.js";

/** Without --since, this much history before the period's end is replayed. */
const defaultDays = 30;

/** A branch's history with the guard's verdict on each commit, as the App would have decided it. */
export interface GuardReplay {
  github: GitHub;
  repo: RepoRef;
  branch: string;
  since: string;
  until: string | undefined;
  /** The App whose check runs count; undefined when none published gitgate/validate (no run counts then). */
  appId: number | undefined;
  /** The config where the period's commits landed asks for `gitgate/approval` (its `approvals:` section). */
  requireApproval: boolean;
  /** The branch's commits in the period, by date or by when GitHub recorded their push, parents first. */
  commits: PushedCommit[];
  /** The guard's verdict on each of them, in the same order; none is undecided. */
  verdicts: CommitProvenance[];
  /** The trusted App's check runs per commit: the branch's commits and their pull requests' merged heads. */
  checksByCommit: ReadonlyMap<string, readonly AppCheckRun[]>;
  pullUrls: ReadonlyMap<number, string>;
  notes: string[];
}

/**
 * The App's guard replayed over a branch's history through a token (`gitgate guard`, `gitgate
 * evidence`): every commit in the period with the pull request it came through, or why it is a
 * bypass. A commit that cannot be decided throws CannotDecideError: never a partial answer.
 */
export async function replayGuard(options: CliOptions, env: NodeJS.ProcessEnv, now: Date): Promise<GuardReplay> {
  const token = env.GITHUB_TOKEN;
  if (!token) throw new UsageError(`${options.command} reads the branch's history through the GitHub API: set GITHUB_TOKEN to a token that can read the repository`);
  const [owner, name] = options.repo.split("/") as [string, string];
  const repo: RepoRef = { owner, repo: name };
  const github = githubClient(token, env.GITHUB_API_URL ?? "https://api.github.com");
  const notes: string[] = [];
  const cannot = (what: string) => (error: { status?: number; message: string }): never => {
    throw new CannotDecideError(error.status === 404 ? `${options.repo}: ${what} not found, or the token cannot read it` : `could not read ${what}: ${error.message}`);
  };
  const branch = options.branch ?? (await github.rest.repos.get({ owner, repo: name }).catch(cannot("the repository"))).data.default_branch;
  const until = options.until;
  // The 30 days before the period's end: with --until alone, the period still ends where it says.
  const since = options.since ?? new Date((until !== undefined ? Date.parse(until) : now.getTime()) - defaultDays * 86_400_000).toISOString();

  const [dated, pushed] = await Promise.all([
    readHistory(github, repo, branch, since, until).catch((error: Error & { status?: number }) => error instanceof CannotDecideError ? Promise.reject(error) : cannot(`branch ${branch}`)(error)),
    readPushedWithin(github, repo, branch, since, until).catch(cannot(`the pushes to ${branch}`)),
  ]);
  // A commit pushed within the period under a date outside it is in the period: its dates are its committer's word.
  const listed = new Set(dated.map((c) => c.sha));
  const commits = parentsFirst([...dated, ...pushed.filter((c) => !listed.has(c.sha))]);
  const facts = await readProvenanceFacts(github, repo, commits.map((c) => c.sha), branch, options.appId);
  const requireApproval = await periodRules(github, repo, branch, commits, facts.pullsByCommit, env, notes);
  const merges = [...facts.pullsByCommit.values()].some((pulls) => pulls.some((p) => p.merged));
  const appId = options.appId ?? trustedApp(facts.appsByRun, merges ? notes : []);
  // No App trusted: no run counts (every merge is unchecked), never every App's.
  const checksByCommit = new Map([...facts.checksByCommit].map(([sha, runs]) => [sha, runs.filter((r) => appId !== undefined && facts.appsByRun.get(r) === appId)]));
  const known = { branch, commits, pullsByCommit: facts.pullsByCommit, checksByCommit, requireApproval };
  const mergeContents = await readMergeContents(github, repo, mergesToCompare(known)).catch(cannot("what the branch's merge commits change"));
  const verdicts = decideProvenance({ ...known, mergeContents });
  const undecided = verdicts.find((v) => v.verdict === "undecided");
  if (undecided) throw new CannotDecideError(`commit ${undecided.sha.slice(0, 12)}: ${(undecided as { reason: string }).reason}`);
  return { github, repo, branch, since, until, appId, requireApproval, commits, verdicts, checksByCommit, pullUrls: facts.pullUrls, notes };
}

/** The branch's commits in the period, oldest first; more than the guard verifies is undecidable, never a partial answer. */
async function readHistory(github: GitHub, repo: RepoRef, branch: string, since: string, until: string | undefined): Promise<PushedCommit[]> {
  const commits: PushedCommit[] = [];
  const period = { since, ...(until !== undefined ? { until } : {}) };
  for await (const page of github.paginate.iterator(github.rest.repos.listCommits, { owner: repo.owner, repo: repo.repo, sha: branch, ...period, per_page: 100 })) {
    commits.push(...page.data.map((c) => pushedCommit(c as Parameters<typeof pushedCommit>[0])));
    if (commits.length > maxVerifiedCommits) throw new CannotDecideError(`${branch} has more than ${maxVerifiedCommits} commits since ${since}: pass a later --since${until !== undefined ? " or an earlier --until" : ""}`);
  }
  return commits.reverse();
}

/**
 * Whether the period's merges must have passed `gitgate/approval`: each merge is judged by the rules of
 * the branch it landed on, the config at its first parent (as the App judged it), never the branch's
 * today. Those are read where the period's first and last commits and each pull request's landing
 * commit landed; where they differ, the approvals section changed within the period, and one verdict
 * would judge the merges on one side of the change by the other's rules: it cannot decide.
 */
async function periodRules(github: GitHub, repo: RepoRef, branch: string, commits: readonly PushedCommit[], pullsByCommit: ProvenanceFacts["pullsByCommit"], env: NodeJS.ProcessEnv, notes: string[]): Promise<boolean> {
  const bySha = new Map(commits.map((c) => [c.sha, c]));
  const landedAt = (commit: PushedCommit | undefined) => commit?.parents[0] ?? commit?.sha;
  const rulesAt = landedAt(commits.at(-1)) ?? branch;
  const landings = [...pullsByCommit.values()].flat().flatMap((p) => (p.merged && p.mergeCommitSha !== undefined && bySha.has(p.mergeCommitSha) ? [p.mergeCommitSha] : []));
  const others = [...new Set([commits[0]?.sha, ...landings].map((sha) => landedAt(sha === undefined ? undefined : bySha.get(sha))).filter((at): at is string => at !== undefined && at !== rulesAt))];
  return withEvaluationPool(env, async (pool) => {
    const required = async (commit: string, said: string[]) => {
      const plane = await readGitHubControlPlane(github, repo, commit);
      if (plane) return (await pool.guardSettings(plane.source, plane.reader)).requireApproval;
      said.push(`${repo.owner}/${repo.repo} has no .github/gitgate.yml at ${/^[0-9a-f]{40}$/.test(commit) ? commit.slice(0, 12) : commit}: both gitgate/validate and gitgate/approval are required of every merge`);
      return true;
    };
    const atEnd = await required(rulesAt, notes);
    const elsewhere = await mapConcurrent(others, 4, (at) => required(at, []));
    const differs = others.find((_, i) => elsewhere[i] !== atEnd);
    if (differs !== undefined) {
      const state = (asks: boolean) => (asks ? "asks for gitgate/approval" : "asks for no approvals");
      throw new CannotDecideError(`the config ${state(!atEnd)} at ${differs.slice(0, 12)}, where a commit of the period landed, and ${state(atEnd)} where its last commit (${commits.at(-1)!.sha.slice(0, 12)}) did: the approvals section changed within the period; ask for the periods before and after that change`);
    }
    return atEnd;
  });
}

/** The one App whose gitgate/validate runs count: several cannot be told apart (pass --app-id). */
function trustedApp(appsByRun: ReadonlyMap<AppCheckRun, number>, notes: string[]): number | undefined {
  const apps = new Set([...appsByRun].filter(([run]) => run.name === checkNames.validate).map(([, app]) => app));
  if (apps.size > 1) throw new UsageError(`several GitHub Apps publish gitgate/validate on this branch's pull requests (${[...apps].join(", ")}): pass --app-id with Gitgate's App ID`);
  if (apps.size === 0) notes.push("no GitHub App has published gitgate/validate on these commits' pull requests: every merge counts as unchecked");
  return [...apps][0];
}
