import { readGitHubControlPlane } from "../github/load-github-control-plane.js";
import { completeCheckRun, failCheckRun, findCheckRun, startCheckRun } from "../github/publish-check-run.js";
import { decideApprovals } from "../github/decide-approvals.js";
import { findApprovalCheck, publishApprovalCheck, type ApprovalCheckOutput } from "../github/publish-approval-check.js";
import { readPullRequest } from "../github/read-pull-request.js";
import type { EvaluationDeps } from "./evaluation-deps.js";
import { approvalBasis, approvalCheckOutput, couldNotEvaluateError } from "./judge-approvals.js";
import { judgeOnGitHub } from "./judge-on-github.js";

export interface MergeGroup {
  headSha: string;
  headRef: string;
  baseSha: string;
  baseRef: string;
}

/**
 * A merge queue asks for checks on the group's head: judge base...head exactly as a PR (control plane
 * at the group's base), and publish on the group head. Answering without evaluating would make the
 * queue a rubber stamp; not answering would leave it waiting.
 */
export async function evaluateMergeGroup(deps: EvaluationDeps, group: MergeGroup): Promise<void> {
  const { github, repo, log } = deps;
  const started = performance.now();
  let checkRunId: number | undefined;
  try {
    const plane = await readGitHubControlPlane(github, repo, group.baseSha);
    if (!plane) return;
    checkRunId = await startCheckRun(github, repo, group.headSha, await findCheckRun(github, repo, group.headSha, deps.appId));
    const { report, github: output, approvals } = await judgeOnGitHub(deps, plane, {
      baseSha: group.baseSha,
      headSha: group.headSha,
      options: { today: deps.today(), pullRequest: { base: group.baseRef, head: group.headRef } },
    });
    // Recorded for the queued pull request and base (the guard accepts the verdict for no other); no
    // governed-diff digest: reviews are of pull request commits, never of a merge group's head.
    const queued = queuedPull(group);
    await completeCheckRun(github, repo, checkRunId, output, queued === undefined ? [] : [{ pullNumber: queued.number, baseRef: branchName(group.baseRef), digest: undefined }]);
    if (approvals?.enabled) await verifyGroupApprovals(deps, group);
    log.info({ mergeGroup: group.headRef, head: group.headSha, conclusion: report.conclusion }, "evaluated merge group");
    deps.onEvaluated?.(report, (performance.now() - started) / 1000);
  } catch (error) {
    log.error({ mergeGroup: group.headRef, err: error }, "could not evaluate merge group");
    checkRunId ??= await startCheckRun(github, repo, group.headSha, undefined);
    await failCheckRun(github, repo, checkRunId, (error as Error).message);
    deps.onEvaluated?.(undefined, (performance.now() - started) / 1000);
  }
}

/**
 * The queue builds one group per queued PR (its ref names it: `gh-readonly-queue/<base>/pr-<n>-<head>`),
 * on top of the groups ahead of it, each checked in turn. The group passes `gitgate/approval` only if
 * that PR still holds its approvals for the very head that was queued: a push or a new "changes
 * requested" after queueing fails the group instead of slipping through.
 */
async function verifyGroupApprovals(deps: EvaluationDeps, group: MergeGroup): Promise<void> {
  const { github, repo } = deps;
  const existing = await findApprovalCheck(github, repo, group.headSha, deps.appId);
  let output: ApprovalCheckOutput;
  let url: string | undefined;
  let decidedFor: { pullNumber: number; baseRef: string } | undefined;
  try {
    const queued = queuedPull(group);
    if (!queued) throw new Error(`the merge group ${group.headRef} does not name the pull request it is for`);
    const pr = await readPullRequest(github, repo, queued.number, deps.appId);
    if (!pr) throw new Error(`pull request #${queued.number} was not found`);
    url = pr.url;
    decidedFor = { pullNumber: pr.number, baseRef: pr.baseRef };
    if (pr.headSha !== queued.headSha) throw new Error(`pull request #${pr.number} changed since it was queued (queued ${queued.headSha.slice(0, 7)}, now ${pr.headSha.slice(0, 7)})`);
    const basis = await approvalBasis(deps, pr);
    if (!basis) throw new Error(`the base of pull request #${pr.number} has no Gitgate config`);
    const verdict = await decideApprovals(github, repo, { pr, scope: basis.scope, headDigest: basis.headDigest });
    const checked = approvalCheckOutput(verdict);
    // A queue cannot wait for a review: anything short of approved fails the group.
    output = checked.conclusion === "success" ? checked : { ...checked, conclusion: "failure", title: `Pull request #${pr.number}: ${checked.title}` };
  } catch (error) {
    output = couldNotEvaluateError(error as Error);
  }
  await publishApprovalCheck(github, repo, group.headSha, existing, output, url, decidedFor);
  deps.log.info({ mergeGroup: group.headRef, approval: output.conclusion }, "verified merge group approvals");
}

/** The pull request a merge group was built for, as its ref names it (`…/pr-<n>-<head sha>`). */
function queuedPull(group: MergeGroup): { number: number; headSha: string } | undefined {
  const queued = /\/pr-(\d+)-([0-9a-f]{40})$/.exec(group.headRef);
  return queued ? { number: Number(queued[1]), headSha: queued[2]! } : undefined;
}

/** A branch as pull requests name their base: the webhook gives a merge group's base as a full ref. */
function branchName(ref: string): string {
  return ref.replace(/^refs\/heads\//, "");
}
