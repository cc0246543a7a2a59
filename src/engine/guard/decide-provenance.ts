import type { AppCheckRun, AssociatedPull, BypassReason, CommitProvenance, GuardCommit, GuardFacts, MergeMethod } from "./guard-types.js";
import { ancestorsWithin } from "./commit-graph.js";
import { mergeReasons } from "./merge-content.js";
import { judgedFor } from "../judged-for.js";

/** The checks a pull request's merged head must have passed (branch protection requires them by name). */
export const guardedChecks = { validate: "gitgate/validate", approval: "gitgate/approval" } as const;

/**
 * Decides, for every new commit of a protected branch, whether it came through a pull request that
 * Gitgate passed. A commit counts as through-pr when GitHub associates it with a pull request merged
 * into this branch, that pull request's landing commit (merge, squash, last rebased commit, or
 * merge-group head) is among the new commits, the commit is that landing commit or one of its
 * ancestors among them (the merged branch's own commits, earlier rebased commits), and the merged
 * head — or the merge-group head the queue checked — had `gitgate/validate` and `gitgate/approval`
 * success for that very head, decided for that pull request into the base it merged into (see
 * judgeCheck). A commit landing it must also leave the branch as
 * merging that head does (see mergeReasons): a merge can carry edits of its own. Anything else is a bypass,
 * with the reasons.
 */
export function decideProvenance(facts: GuardFacts): CommitProvenance[] {
  const bySha = new Map(facts.commits.map((c) => [c.sha, c]));
  const ancestry = new Map<string, Set<string>>();
  const landedBy = (landing: string) => {
    let found = ancestry.get(landing);
    if (!found) ancestry.set(landing, (found = ancestorsWithin(landing, bySha)));
    return found;
  };
  return facts.commits.map((commit) => decideCommit(commit, facts, landedBy));
}

function decideCommit(commit: GuardCommit, facts: GuardFacts, landedBy: (landing: string) => Set<string>): CommitProvenance {
  const pulls = facts.pullsByCommit.get(commit.sha);
  if (!pulls) return { sha: commit.sha, verdict: "undecided", reason: "the pull requests of this commit could not be read" };
  const intoBranch = pulls.filter((p) => p.merged && (p.baseRef === facts.branch || facts.alsoMergedInto?.(p.baseRef) === true));
  if (intoBranch.length === 0) return { sha: commit.sha, verdict: "bypass", reasons: [{ kind: "no-pull-request" }] };
  const landed = intoBranch.filter((p) => p.mergeCommitSha !== undefined && landedBy(p.mergeCommitSha).has(commit.sha));
  if (landed.length === 0) return { sha: commit.sha, verdict: "bypass", reasons: [{ kind: "not-landed", pulls: intoBranch.map((p) => p.number) }] };
  let first: CommitProvenance | undefined;
  for (const pull of landed) {
    const reasons = [...checkReasons(pull, facts), ...mergeReasons(commit, pull, facts)];
    if (reasons.length === 0) return { sha: commit.sha, verdict: "through-pr", pull: pull.number, method: mergeMethod(pull, facts) };
    first ??= { sha: commit.sha, verdict: "bypass", pull: pull.number, reasons };
  }
  return first!;
}

/**
 * What is wrong with the checks of a landed pull request: none when both passed. The evidence is this
 * App's runs on the merged head (the pull request's checks) and on the landing commit (a merge queue
 * checks its group head, which is what lands).
 */
function checkReasons(pull: AssociatedPull, facts: GuardFacts): BypassReason[] {
  const landing = pull.mergeCommitSha!;
  const runs = [...(facts.checksByCommit.get(pull.headSha) ?? []), ...(landing !== pull.headSha ? facts.checksByCommit.get(landing) ?? [] : [])];
  const reasons: BypassReason[] = [];
  const validate = judgeCheck(guardedChecks.validate, runs, pull, landing);
  if (validate) reasons.push(validate);
  if (facts.requireApproval) {
    const approval = judgeCheck(guardedChecks.approval, runs, pull, landing);
    if (approval) reasons.push(approval);
  }
  return reasons;
}

/**
 * Whether check `name` passed for the landed pull request: a success on its merged head (or its
 * landing commit) that records it was decided for this pull request into the base it merged into.
 * A run is per commit, not per pull request or base: the same head may have been judged into another
 * base (a pull request retargeted, then retargeted back and merged before Gitgate judged it again)
 * or for another pull request of the same head, under rules that were not this base's. Such a success
 * says nothing about this merge, and neither does one that records nobody: a bypass, fail closed.
 * Undefined when the check passed, else why not.
 */
export function judgeCheck(name: string, runs: readonly AppCheckRun[], pull: AssociatedPull, landing: string): BypassReason | undefined {
  const named = runs.filter((r) => r.name === name);
  const forThis = (r: AppCheckRun) => (r.headSha === pull.headSha || r.headSha === landing) && (r.pullNumber === undefined || r.pullNumber === pull.number);
  const passed = (r: AppCheckRun) => r.status === "completed" && r.conclusion === "success";
  const decidedHere = (r: AppCheckRun) => judgedFor(r.judgedFor, pull.number, pull.baseRef);
  // GitHub counts a commit's latest run of a check: an older success under a later run that did not
  // pass (a re-run, a verdict decided again, one failed closed that records nobody) is no pass.
  const latest = new Map<string, AppCheckRun>();
  for (const r of named) if (forThis(r) && !((latest.get(r.headSha)?.id ?? -1) > r.id)) latest.set(r.headSha, r);
  if ([...latest.values()].some((r) => passed(r) && decidedHere(r))) return undefined;
  const superseded = [...latest.values()].find((r) => !passed(r) && named.some((o) => o.headSha === r.headSha && o.id < r.id && passed(o) && decidedHere(o)));
  if (superseded) return { kind: "check-failed", check: name, pull: pull.number, head: pull.headSha, conclusion: superseded.status === "completed" ? superseded.conclusion ?? "none" : superseded.status };
  const elsewhere = named.find((r) => forThis(r) && passed(r));
  if (elsewhere) {
    const recorded = elsewhere.judgedFor.some((j) => j.pull === pull.number) ? "another base" : elsewhere.judgedFor.length > 0 ? "another pull request" : "nothing";
    return { kind: "check-decided-elsewhere", check: name, pull: pull.number, head: pull.headSha, base: pull.baseRef, recorded };
  }
  const own = named.filter(forThis);
  if (own.length > 0) {
    const run = own[0]!;
    return { kind: "check-failed", check: name, pull: pull.number, head: pull.headSha, conclusion: run.status === "completed" ? run.conclusion ?? "none" : run.status };
  }
  // A success, but for another head or another pull request: it says nothing about what was merged.
  const other = named.find(passed);
  if (other) return { kind: "check-stale", check: name, pull: pull.number, head: pull.headSha, judged: other.pullNumber !== undefined && other.pullNumber !== pull.number ? `pull request #${other.pullNumber}` : `commit ${other.headSha}` };
  return { kind: "check-missing", check: name, pull: pull.number, head: pull.headSha };
}

/** How the pull request landed, for the reader of the check (all four count the same). */
function mergeMethod(pull: AssociatedPull, facts: GuardFacts): MergeMethod {
  const landing = pull.mergeCommitSha!;
  const ranOnLanding = landing !== pull.headSha && (facts.checksByCommit.get(landing) ?? []).some((r) => r.name === guardedChecks.validate);
  if (ranOnLanding) return "merge queue";
  const commit = facts.commits.find((c) => c.sha === landing);
  if (commit && commit.parents.length > 1) return "merge commit";
  const rebased = facts.commits.filter((c) => c.sha !== landing && (facts.pullsByCommit.get(c.sha) ?? []).some((p) => p.number === pull.number));
  return rebased.length > 0 ? "rebase" : "squash";
}

/** Every bypass reason in one sentence, for check summaries, issues and the CLI. */
export function describeReason(reason: BypassReason, branch: string): string {
  const short = (sha: string) => sha.slice(0, 12);
  switch (reason.kind) {
    case "no-pull-request":
      return `no pull request merged into ${branch} brought this commit: it was pushed directly`;
    case "not-landed":
      return `pull request ${reason.pulls.map((n) => `#${n}`).join(", ")} was merged into ${branch}, but not with this commit: it was pushed outside the merge`;
    case "check-missing":
      return `pull request #${reason.pull} was merged without ${reason.check} on its merged head ${short(reason.head)}`;
    case "check-failed":
      return `pull request #${reason.pull} was merged past ${reason.check} (${reason.conclusion}) on its merged head ${short(reason.head)}`;
    case "check-stale":
      return `pull request #${reason.pull} was merged with ${reason.check} passed only for ${reason.judged.startsWith("commit ") ? `commit ${short(reason.judged.slice(7))}` : reason.judged}, not for its merged head ${short(reason.head)}`;
    case "check-decided-elsewhere": {
      const decided = reason.recorded === "nothing" ? "a verdict that records no pull request and base (published before Gitgate recorded them)" : reason.recorded === "another base" ? `a verdict decided for pull request #${reason.pull} into another base` : "a verdict decided for another pull request";
      return `pull request #${reason.pull} was merged into ${reason.base} with ${reason.check} passed on its merged head ${short(reason.head)} only by ${decided}, not for #${reason.pull} into ${reason.base}`;
    }
    case "merge-content": {
      const shown = reason.paths.slice(0, 5).join(", ");
      const more = reason.paths.length > 5 ? ` and ${reason.paths.length - 5} more` : "";
      return `the commit that landed pull request #${reason.pull} leaves ${shown}${more} otherwise than merging its head into ${branch} does`;
    }
    case "merge-unread":
      return `the commit that landed pull request #${reason.pull} could not be compared with merging its head into ${branch}: ${reason.why}`;
  }
}
