import type { ApprovalVerdict } from "../engine/approvals/approval-types.js";
import type { ApprovalScope } from "../evaluation/approval-scope.js";
import { decideApprovals, type ApprovalDecision } from "../github/decide-approvals.js";
import { findApprovalChecks, publishApprovalVerdict, requestReviews, type ApprovalCheckOutput, type ApprovalDecidedFor } from "../github/publish-approval-check.js";
import { listChanges } from "../github/read-change-set.js";
import { readPullRequest, type PullRequestState } from "../github/read-pull-request.js";
import { readGitHubControlPlane } from "../github/load-github-control-plane.js";
import { approvalTitle, renderApprovalMarkdown } from "../render/render-approval-markdown.js";
import { codeSpan, markdownText } from "../render/escape-markdown.js";
import type { EvaluationDeps } from "./evaluation-deps.js";

export interface ApprovalBasis {
  scope: ApprovalScope;
  /** The head's governed-diff digest (just computed by validate, or read from its check run). */
  headDigest: string | undefined;
}

/** What validating a head against a base found for its approval check: handed by the PR's job to the approval job it starts. */
export interface ValidatedApprovals extends ApprovalBasis {
  headSha: string;
  baseSha: string;
}

/**
 * Decides `gitgate/approval` for the PR's current head and publishes it there. `pr` must be freshly
 * read (reviews as they are now). Anything that cannot be known fails the check, never passes it.
 * Returns the verdict, or undefined when the check failed to evaluate.
 */
export async function judgeApprovals(deps: EvaluationDeps, pr: PullRequestState, basis: ApprovalBasis): Promise<ApprovalVerdict | undefined> {
  const { github, repo, log } = deps;
  let output: ApprovalCheckOutput;
  let verdict: ApprovalVerdict | undefined;
  try {
    if (pr.sameHead.length > 0) output = couldNotEvaluate(sharedHeadReason(pr));
    else {
      verdict = await decideApprovals(github, repo, { pr, scope: basis.scope, headDigest: basis.headDigest });
      output = approvalCheckOutput(verdict);
    }
  } catch (error) {
    log.error({ pr: pr.number, head: pr.headSha, err: error }, "could not evaluate approvals");
    output = couldNotEvaluateError(error as Error);
  }
  await publishApprovalVerdict(github, repo, pr.headSha, pr.approvals.approvalCheckRunIds, output, pr.url, decidedFor(pr));
  log.info({ pr: pr.number, head: pr.headSha, approval: output.conclusion }, "evaluated approvals");
  // Asked once per pull request: only while nobody has ever requested a review on it (GitHub's timeline
  // remembers, across pushes and restarts).
  if (verdict && basis.scope.settings?.requestReviews && !pr.approvals.reviewRequested && verdict.status === "waiting") {
    const reviewed = new Set(pr.approvals.reviews.map((r) => r.user));
    const unmet = verdict.rules.filter((r) => r.status !== "satisfied");
    const users = [...new Set(unmet.flatMap((r) => r.candidates.users))].filter((u) => !reviewed.has(u));
    const teams = [...new Set(unmet.flatMap((r) => r.candidates.teams))].filter((t) => !t.includes("/"));
    await requestReviews(github, repo, pr.number, users, teams).catch((error: unknown) => log.warn({ pr: pr.number, err: error }, "could not request reviews"));
  }
  return verdict;
}

/**
 * Decides `gitgate/approval` for the PR's head as it is now, from its reviews as they are now. Every
 * verdict of a PR is decided by one job kind under one key (`approval:`), so verdicts are decided one
 * after another, each from reviews read when it starts: a review that comes in while one is decided
 * gets a job that runs after it, and the last verdict published is always read from the newest reviews.
 * - After validation (`validated`, from the PR's job): the scope and digest validation just found, used
 *   while the PR still has that head and base and its validate run that digest (a later validation,
 *   against a retargeted or changed base, may have started a job this one stands for).
 * - After a review (submitted, edited or dismissed): the head's digest comes from its validate check
 *   run. While validate has not completed for this head, the PR's job is still coming and starts an
 *   approval job when it has, so nothing is done here.
 * Reviews are requested (`request_reviews`) once per pull request, by whichever job first sees a verdict.
 * When GitHub fails midway, the head's approval check fails: the verdict it had must not stand.
 */
export async function reviewApprovals(deps: EvaluationDeps, number: number, head: string | undefined, validated?: ValidatedApprovals): Promise<void> {
  const { github, repo } = deps;
  // Where a verdict that cannot be decided fails: the head this job was for, then the head as read.
  let failing = validated?.headSha ?? head;
  try {
    const pr = await readPullRequest(github, repo, number, deps.appId);
    if (!pr?.open || !pr.approvals.headValidated) return;
    failing = pr.headSha;
    const current = validated?.headSha === pr.headSha && validated.baseSha === pr.baseSha && validated.headDigest === pr.approvals.headDigest;
    const basis = current ? validated : await approvalBasis(deps, pr).catch((error: Error) => error);
    if (basis instanceof Error) {
      await publishApprovalVerdict(github, repo, pr.headSha, pr.approvals.approvalCheckRunIds, couldNotEvaluateError(basis), pr.url, decidedFor(pr));
      return;
    }
    if (basis?.scope.enabled) await judgeApprovals(deps, pr, basis);
    // A base that asks for none: runs an earlier validation left unfinished (holding the merge, and the
    // PR coming back at every reconcile sweep) are completed, as none is missing; or failed when the
    // head is open in other PRs too (one of which may ask for approvals). Completed runs stay as they are.
    else if (pr.approvals.unfinishedApprovalRuns.length > 0) {
      const output = pr.sameHead.length > 0 ? couldNotEvaluate(sharedHeadReason(pr)) : noApprovalRules(pr.baseRef);
      await publishApprovalVerdict(github, repo, pr.headSha, pr.approvals.unfinishedApprovalRuns, output, pr.url, decidedFor(pr));
    }
  } catch (error) {
    if (failing === undefined) throw error;
    await failApprovals(deps, failing, error as Error);
  }
}

/** Fails every approval check run of a head whose verdict could not be decided (one is created when it has none). */
export async function failApprovals(deps: EvaluationDeps, headSha: string, error: Error): Promise<void> {
  deps.log.error({ head: headSha, err: error }, "could not evaluate approvals");
  const existing = await findApprovalChecks(deps.github, deps.repo, headSha, deps.appId).catch(() => []);
  await publishApprovalVerdict(deps.github, deps.repo, headSha, existing, couldNotEvaluateError(error), undefined, undefined);
}

/** The pull request and base a verdict decided on `pr` (as read) speaks for: the base its rules were read from. */
export function decidedFor(pr: PullRequestState): ApprovalDecidedFor {
  return { pullNumber: pr.number, baseRef: pr.baseRef };
}

/** What the approval check needs from the base and the change, for a PR whose validation already ran. */
export async function approvalBasis(deps: EvaluationDeps, pr: PullRequestState): Promise<ApprovalBasis | undefined> {
  const plane = await readGitHubControlPlane(deps.github, deps.repo, pr.baseSha);
  if (!plane) return undefined;
  const listed = await listChanges(deps.github, deps.repo, pr.baseSha, pr.headSha, pr.number);
  const changed = listed.files.map((f) => ({ path: f.path, ...(f.previousPath !== undefined ? { previousPath: f.previousPath } : {}) }));
  const scope = await deps.pool.approvalScope(plane.source, plane.reader, changed);
  return { scope, headDigest: pr.approvals.headDigest };
}

export function approvalCheckOutput(verdict: ApprovalDecision): ApprovalCheckOutput {
  const conclusion = verdict.status === "satisfied" ? "success" : verdict.status === "blocked" ? "failure" : "action_required";
  return { conclusion, title: approvalTitle(verdict), summary: renderApprovalMarkdown(verdict) };
}

/** For a base whose config asks for no approvals: none are missing. */
function noApprovalRules(baseRef: string): ApprovalCheckOutput {
  return { conclusion: "success", title: "No approval rules", summary: `The config of ${codeSpan(baseRef)} asks for no approvals, so Gitgate decides none for this pull request.` };
}

/**
 * The approval check when approvals cannot be decided. `reason` is Markdown: an error's message can name
 * a file or a branch (input), so callers pass it through markdownText (couldNotEvaluateError).
 */
function couldNotEvaluate(reason: string): ApprovalCheckOutput {
  return {
    conclusion: "failure",
    title: "Could not evaluate approvals",
    summary: `Could not evaluate approvals: ${reason}\n\nGitgate cannot pass a change whose approvals it cannot check.`,
  };
}

/**
 * The approval check belongs to the head commit, but reviews belong to a pull request: approvals
 * earned in one PR (into a laxer base, say) must not pass the same commit in another. Until the
 * verdict is the conjunction over every PR of the head, a head open in several PRs fails closed.
 */
/** couldNotEvaluate for an error, whose message is text (it can name a file or a branch). */
export function couldNotEvaluateError(error: Error): ApprovalCheckOutput {
  return couldNotEvaluate(markdownText(error.message.slice(0, 2000)));
}

function sharedHeadReason(pr: PullRequestState): string {
  const others = pr.sameHead.map((p) => `#${p.number} into ${codeSpan(p.baseRef)}`).join(", ");
  return `this head commit is also open as ${others}: approvals belong to one pull request, so Gitgate will not pass a commit shared by several. Close the other pull requests (or push a distinct commit) and the check is decided again.`;
}

/** The one line the sticky preview comment gets: which rules apply; the check run tracks them. */
export function approvalLine(rules: readonly { name: string; required: number }[]): string {
  if (rules.length === 0) return "**Approvals:** no approval rule applies to this change.";
  const named = rules.map((r) => `${markdownText(r.name)} (${r.required})`).join(", ");
  return `**Approvals:** this change needs ${named}; the \`gitgate/approval\` check tracks them.`;
}
