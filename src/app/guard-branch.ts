import { compileLinearGlob } from "../config/linear-glob.js";
import { decidePush, type PushVerdict } from "../engine/guard/decide-push.js";
import { describeReason } from "../engine/guard/decide-provenance.js";
import { mergesToCompare } from "../engine/guard/merge-content.js";
import type { GuardSettings } from "../evaluation/guard-settings.js";
import { readGitHubControlPlane } from "../github/load-github-control-plane.js";
import { openRevertPull, revertBranchPrefix } from "../github/open-revert-pull.js";
import { publishGuardCheck } from "../github/publish-guard-check.js";
import { deletionKey, openIncidentIssue, raisedIncidents } from "../github/raise-incident.js";
import { pushedCommit, readPushedCommits, type PushedCommit } from "../github/read-pushed-commits.js";
import { readGuardRun, readGuardVerdict, readProvenanceFacts, type ProvenanceFacts } from "../github/read-provenance-facts.js";
import { readMergeContents } from "../github/read-merge-contents.js";
import { bypassOutput, incidentBody, incidentTitle, throughPullOutput, undecidedOutput, type GuardOutput, type IncidentInfo } from "../render/render-guard-markdown.js";
import type { EvaluationDeps } from "./evaluation-deps.js";

/** A push to a branch, as the guard needs it from the webhook. */
export interface GuardedPush {
  branch: string;
  /** The tip before the push; undefined when the push created the branch. */
  before: string | undefined;
  after: string;
  defaultBranch: string;
  /** Who pushed (the sender): for a merge, who merged. */
  actor: string | undefined;
  compareUrl?: string;
}

/**
 * The guard on a push to a protected branch: every new commit is checked for the pull request it
 * came through; each gets a `gitgate/guard` run, and a bypass (or a force push) raises an incident.
 * The config is read at the branch's tip before the push, so a push cannot switch the guard off for
 * itself. A failure to verify fails the new tip's guard check: never a silent pass.
 */
export async function guardPush(deps: EvaluationDeps, push: GuardedPush): Promise<void> {
  let settings: GuardSettings | undefined;
  try {
    settings = await pushSettings(deps, push);
  } catch (error) {
    // Whether the tip before was a bypass, and the config before it, could not be read: fail closed.
    await couldNotVerify(deps, push.after, error as Error);
    return;
  }
  if (!settings) return;
  const guarded = guardedBranches(settings, push.defaultBranch);
  try {
    const range = await readPushedCommits(deps.github, deps.repo, push.before ?? push.defaultBranch, push.after);
    // A force push back to an older commit brings no new commit: the incident is named after the new tip.
    const tip = range.commits.some((c) => c.sha === push.after) ? undefined : await readCommit(deps, push.after);
    await verify(deps, settings, { ...push, ...range, restoreTrees: new Map([[push.before ?? "", range.baseTreeSha]]), guarded, ...(tip ? { tip } : {}) });
  } catch (error) {
    await couldNotVerify(deps, push.after, error as Error);
  }
}

/** A protected branch deleted by a push, as the guard needs it from the webhook. */
export interface GuardedDeletion {
  branch: string;
  /** The branch's tip when it was deleted. */
  tip: string;
  defaultBranch: string;
  actor: string | undefined;
}

/**
 * A protected branch was deleted (an admin, or someone a ruleset lets bypass it): an incident of its
 * own, with no commit to verify. The config is read at the default branch. The issue is raised once
 * per deleted tip; `check` fails the guard run of that tip.
 */
export async function guardDeletion(deps: EvaluationDeps, deletion: GuardedDeletion): Promise<void> {
  const settings = await guardSettings(deps, deletion.defaultBranch, deletion.branch, deletion.defaultBranch);
  if (!settings) return;
  const { github, repo, log } = deps;
  const tip = await readCommit(deps, deletion.tip);
  const commit = { sha: tip.sha, message: tip.message, author: tip.author, committer: tip.committer, date: tip.date, url: tip.url };
  const incident: IncidentInfo = { repository: `${repo.owner}/${repo.repo}`, branch: deletion.branch, commit, actor: deletion.actor, seenAt: new Date().toISOString(), bypasses: [], deleted: true };
  if (settings.onBypass.includes("issue")) {
    const known = (await raisedIncidents(github, repo, deps.appId)).get(deletionKey(tip.sha));
    incident.issueUrl = known?.url ?? (await openIncidentIssue(github, repo, deletionKey(tip.sha), incidentTitle(incident), incidentBody(incident))).url;
    if (!known) log.warn({ branch: deletion.branch, tip: tip.sha, issue: incident.issueUrl }, "guard incident raised: protected branch deleted");
  }
  if (settings.onBypass.includes("check")) {
    const reason = `${deletion.branch} was deleted at this commit`;
    await publishGuardCheck(github, repo, tip.sha, await readGuardRun(github, repo, tip.sha, deps.appId), bypassOutput(incident, commit, [reason]), incident.issueUrl);
  }
}

async function readCommit(deps: EvaluationDeps, sha: string): Promise<PushedCommit> {
  const { data } = await deps.github.rest.repos.getCommit({ owner: deps.repo.owner, repo: deps.repo.repo, ref: sha, per_page: 1 });
  return pushedCommit(data as Parameters<typeof pushedCommit>[0]);
}

/** The guard's settings when `branch` is one it watches; undefined when it has nothing to do there. */
/** Bypasses in a row before a push that the guard looks past for the config it trusts; more: it fails closed. */
const maxBypassesBack = 20;

/**
 * The settings a push is judged by: the config at the tip before it, so that a push cannot switch the
 * guard off for itself, and, when that tip is one the guard failed (a bypass: a direct push that
 * dropped `protect:`, say), the stricter of it and the config at the newest commit before it that the
 * guard did not fail: a bypass must not switch the guard off for the pushes after it either.
 */
async function pushSettings(deps: EvaluationDeps, push: GuardedPush): Promise<GuardSettings | undefined> {
  const at = push.before ?? push.defaultBranch;
  const atTip = await guardSettings(deps, at, push.branch, push.defaultBranch);
  let sha = at;
  for (let step = 0; await failedGuard(deps, sha); step++) {
    if (step === maxBypassesBack) throw new Error(`the ${maxBypassesBack} commits before this push on ${push.branch} are all bypasses: no config on the branch can be trusted to judge it`);
    const parent = (await readCommit(deps, sha)).parents[0];
    if (parent === undefined) break;
    sha = parent;
  }
  if (sha === at) return atTip;
  const trusted = await guardSettings(deps, sha, push.branch, push.defaultBranch);
  return trusted && atTip ? stricter(atTip, trusted, push.defaultBranch) : trusted ?? atTip;
}

async function failedGuard(deps: EvaluationDeps, sha: string): Promise<boolean> {
  return (await readGuardVerdict(deps.github, deps.repo, sha, deps.appId))?.conclusion === "failure";
}

/** Both configs' guards at once: every branch either protects, every action either takes. */
function stricter(a: GuardSettings, b: GuardSettings, defaultBranch: string): GuardSettings {
  const branches = a.branches || b.branches ? [...new Set([...(a.branches ?? [defaultBranch]), ...(b.branches ?? [defaultBranch])])] : undefined;
  return {
    enabled: true,
    configValid: a.configValid && b.configValid,
    ...(branches ? { branches } : {}),
    onBypass: [...new Set([...a.onBypass, ...b.onBypass])],
    branchProtection: a.branchProtection === "enforce" || b.branchProtection === "enforce" ? "enforce" : "report",
    requireApproval: a.requireApproval || b.requireApproval,
  };
}

async function guardSettings(deps: EvaluationDeps, at: string, branch: string, defaultBranch: string): Promise<GuardSettings | undefined> {
  // Gitgate's own revert branches are never guarded: a revert must not raise an incident of its own.
  if (branch.startsWith(revertBranchPrefix)) return undefined;
  const plane = await readGitHubControlPlane(deps.github, deps.repo, at);
  if (!plane) return undefined;
  const settings = await deps.pool.guardSettings(plane.source, plane.reader);
  if (!settings.enabled) return undefined;
  return guardedBranches(settings, defaultBranch)(branch) ? settings : undefined;
}

/** The branches the guard protects: `protect.branches`, or the default branch. */
function guardedBranches(settings: GuardSettings, defaultBranch: string): (branch: string) => boolean {
  const matchers = (settings.branches ?? [defaultBranch]).map(compileLinearGlob);
  return (branch) => matchers.some((matches) => matches(branch));
}

interface Verification {
  branch: string;
  before: string | undefined;
  after: string;
  actor: string | undefined;
  compareUrl?: string;
  commits: PushedCommit[];
  removed: number;
  /** The new tip when it is not among `commits` (a force push back to an older commit). */
  tip?: PushedCommit;
  /** Trees of commits outside `commits` a revert may restore (the tip before the push). */
  restoreTrees: Map<string, string>;
  /** Whether the guard protects a branch (its `protect.branches`). */
  guarded: (branch: string) => boolean;
}

async function verify(deps: EvaluationDeps, settings: GuardSettings, v: Verification): Promise<void> {
  const { github, repo, log } = deps;
  // A new branch starts from another: what came through pull requests into a branch the guard protects counts.
  const alsoMergedInto = v.before === undefined ? (ref: string) => ref !== v.branch && v.guarded(ref) : undefined;
  // The new tip of a force push back to an older commit is read too: its guard run is updated, not doubled.
  const facts = await readProvenanceFacts(github, repo, [...v.commits.map((c) => c.sha), ...(v.tip ? [v.tip.sha] : [])], v.branch, deps.appId, alsoMergedInto);
  const known = { branch: v.branch, commits: v.commits, requireApproval: settings.requireApproval, pullsByCommit: facts.pullsByCommit, checksByCommit: facts.checksByCommit, ...(alsoMergedInto ? { alsoMergedInto } : {}) };
  const mergeContents = await readMergeContents(github, repo, mergesToCompare(known));
  const verdict = decidePush({ ...known, before: v.before, after: v.after, removed: v.removed, mergeContents });
  const incident = verdict.firstBypass ? await raise(deps, settings, v, verdict, facts) : undefined;
  const outputs = new Map<string, { output: GuardOutput; details?: string }>();
  const flag = incident && settings.onBypass.includes("check") ? incident : undefined;
  for (const provenance of verdict.commits) {
    if (provenance.verdict === "through-pr") outputs.set(provenance.sha, { output: throughPullOutput(provenance, v.branch, facts.pullUrls.get(provenance.pull)) });
    else if (flag) {
      const commit = v.commits.find((c) => c.sha === provenance.sha)!;
      const output = provenance.verdict === "undecided" ? undecidedOutput(provenance.reason) : bypassOutput(flag, commit, provenance.reasons.map((r) => describeReason(r, v.branch)));
      outputs.set(provenance.sha, { output, ...(flag.issueUrl ? { details: flag.issueUrl } : {}) });
    }
  }
  // A force push fails the new tip's guard check even when its own commits came through pull requests.
  if (verdict.rewrite && flag && outputs.get(v.after)?.output.conclusion !== "failure") {
    const output = bypassOutput(flag, flag.commit, [`a force push rewrote ${v.branch}: ${verdict.rewrite.removed} commit(s) were removed from its history`]);
    outputs.set(v.after, { output, ...(flag.issueUrl ? { details: flag.issueUrl } : {}) });
  }
  // A commit carrying a protection incident keeps it as its newest gitgate/guard run: a success after
  // it would be what GitHub shows for the check.
  for (const [sha, { output }] of outputs) if (output.conclusion === "success" && facts.protectionIncidents.has(sha)) outputs.delete(sha);
  // Incidents first (they must be seen), then every other commit's provenance.
  const ordered = [...outputs].sort(([, a], [, b]) => Number(a.output.conclusion === "success") - Number(b.output.conclusion === "success"));
  for (const [sha, { output, details }] of ordered) await publishGuardCheck(github, repo, sha, facts.guardRuns.get(sha), output, details);
  const bypassed = verdict.commits.filter((c) => c.verdict !== "through-pr").length;
  log.info({ branch: v.branch, after: v.after, commits: verdict.commits.length, bypassed, forced: verdict.rewrite !== undefined }, "guard verified the branch");
}

/** The incident: its issue (once per commit) and, when configured, the revert pull request. */
async function raise(deps: EvaluationDeps, settings: GuardSettings, v: Verification, verdict: PushVerdict, facts: ProvenanceFacts): Promise<IncidentInfo> {
  const { github, repo, log } = deps;
  const info = (c: PushedCommit) => ({ sha: c.sha, message: c.message, author: c.author, committer: c.committer, date: c.date, url: c.url });
  const named = v.commits.find((c) => c.sha === verdict.firstBypass) ?? v.tip ?? v.commits.find((c) => c.sha === v.after)!;
  const bypasses = verdict.commits.flatMap((p) => p.verdict === "through-pr" ? [] : [{ commit: info(v.commits.find((c) => c.sha === p.sha)!), reasons: p.verdict === "bypass" ? p.reasons.map((r) => describeReason(r, v.branch)) : [p.reason] }]);
  const pull = verdict.commits.find((p) => p.verdict === "bypass" && p.pull !== undefined) as { pull: number } | undefined;
  const incident: IncidentInfo = {
    repository: `${repo.owner}/${repo.repo}`,
    branch: v.branch,
    commit: info(named),
    actor: v.actor,
    seenAt: new Date().toISOString(),
    bypasses,
    ...(verdict.rewrite ? { rewrite: { before: verdict.rewrite.before, removed: verdict.rewrite.removed } } : {}),
    ...(pull && facts.pullUrls.has(pull.pull) ? { pull: { number: pull.pull, url: facts.pullUrls.get(pull.pull)! } } : {}),
    ...(v.compareUrl ? { compareUrl: v.compareUrl } : {}),
  };
  const raised = settings.onBypass.includes("issue") || settings.onBypass.includes("revert") ? await raisedIncidents(github, repo, deps.appId) : new Map<string, { number: number; url: string }>();
  // The issue first: of everything an incident writes, it is what must not be missed.
  const known = raised.get(named.sha);
  if (known) incident.issueUrl = known.url;
  else if (settings.onBypass.includes("issue")) {
    incident.issueUrl = (await openIncidentIssue(github, repo, named.sha, incidentTitle(incident), incidentBody(incident))).url;
    log.warn({ branch: v.branch, commit: named.sha, issue: incident.issueUrl }, "guard incident raised");
  }
  if (settings.onBypass.includes("revert") && verdict.restorePoint) {
    const tree = v.restoreTrees.get(verdict.restorePoint) ?? v.commits.find((c) => c.sha === verdict.restorePoint)?.treeSha ?? (await github.rest.git.getCommit({ owner: repo.owner, repo: repo.repo, commit_sha: verdict.restorePoint })).data.tree.sha;
    const revert = await openRevertPull(github, repo, {
      branch: v.branch,
      incidentSha: named.sha,
      tip: v.after,
      restoreTree: tree,
      restoreSha: verdict.restorePoint,
      title: `Revert ${v.branch} to before ${named.sha.slice(0, 12)} (Gitgate guard)`,
      body: `${incidentBody(incident)}\n\nThis pull request restores the tree ${v.branch} had at ${verdict.restorePoint.slice(0, 12)}, before the bypass. Merge it to undo the change, or close it if the change is accepted after review.`,
    });
    incident.revertUrl = revert.url;
  }
  return incident;
}

async function couldNotVerify(deps: EvaluationDeps, sha: string, error: Error): Promise<void> {
  deps.log.error({ sha, err: error }, "guard could not verify the branch");
  // The commit's run is updated when it can be found (a redelivery); GitHub failing here too, a new one.
  const existing = await readGuardRun(deps.github, deps.repo, sha, deps.appId).catch(() => undefined);
  await publishGuardCheck(deps.github, deps.repo, sha, existing, undecidedOutput(error.message)).catch((failed: unknown) => deps.log.error({ sha, err: failed }, "could not publish the guard's failure"));
}
