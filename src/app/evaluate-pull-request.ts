import type { Report } from "../engine/report.js";
import type { PreviewComment } from "../github/publish-preview-comment.js";
import { controlPlaneEntryPaths, readGitHubControlPlane } from "../github/load-github-control-plane.js";
import { cancelCheckRun, completeCheckRun, failCheckRun, inProgressFromFiles, slowStartCheckRun, type JudgedBase } from "../github/publish-check-run.js";
import { markApprovalPending, publishApprovalVerdict } from "../github/publish-approval-check.js";
import { readPullRequest, type PullRequestTarget } from "../github/read-pull-request.js";
import { rulesInScope } from "../github/decide-approvals.js";
import { listChanges } from "../github/read-change-set.js";
import type { ApprovalScope } from "../evaluation/approval-scope.js";
import type { EvaluationDeps } from "./evaluation-deps.js";
import { approvalLine, couldNotEvaluateError, decidedFor, type ValidatedApprovals } from "./judge-approvals.js";
import { judgeOnGitHub } from "./judge-on-github.js";

/**
 * Judges a PR's current head and publishes `gitgate/validate` on it:
 * 1. re-read the PR (the webhook's copy may be stale) with its base's control plane in the same query,
 * 2. judge base...head in an evaluation worker, 3. publish the verdict; the sticky preview comment,
 * rendered by the worker, is returned for a comment job of its own to write (`preview`), so that this
 * job does not wait out GitHub's spacing of new comments.
 * A quick verdict is the check run's one and only write; an evaluation that takes longer than a
 * second first marks the run in progress, so nobody wonders whether anything is happening.
 * The check run belongs to the head commit, but the rules to the base: when the same head is open
 * into several bases, it is judged against each, and fails if any base fails it.
 * Anything that goes wrong once the PR is known to be governed completes the check as failure:
 * never stuck, never neutral. Says whether the PR was governed (undefined: not open, not judged), and
 * what its approval job needs when the base asks for approvals; when it does not, the head whose
 * approval runs an earlier validation left unfinished (an approval job settles them).
 */
export async function evaluatePullRequest(deps: EvaluationDeps, number: number, hint: PullRequestHint = {}): Promise<{ governed: boolean; approvals?: ValidatedApprovals; unfinishedApprovals?: string; preview?: PreviewComment } | undefined> {
  const { github, repo, log } = deps;
  const started = performance.now();
  // The change the webhook was sent for is listed beside the PR query, not after it: used when the PR
  // still points there (nearly always), it saves a round trip; when not, it cost one request.
  const early = hint.headSha && hint.baseSha ? listChanges(github, repo, hint.baseSha, hint.headSha, number) : undefined;
  early?.catch(() => undefined);
  const pr = await readPullRequest(github, repo, number, deps.appId, { controlPlaneAt: hint.baseRef ?? "HEAD", controlPlanePaths: controlPlaneEntryPaths });
  const interrupted = deps.interruptedRun;
  if (interrupted && (!pr?.open || pr.headSha !== interrupted.headSha)) {
    const why = pr?.open ? `the pull request has moved on to ${pr.headSha.slice(0, 12)}, which is judged in its own check run` : "the pull request is no longer open";
    await cancelCheckRun(github, repo, interrupted.id, why).catch((error: unknown) => log.warn({ err: error, run: interrupted.id }, "could not complete an interrupted check run"));
  }
  if (!pr?.open) return undefined;
  const listedEarly = (target: PullRequestTarget) => (target === pr && pr.headSha === hint.headSha && pr.baseSha === hint.baseSha ? early : undefined);
  let run: ReturnType<typeof slowStartCheckRun> | undefined;
  // The approval runs this job marked in progress: until its approval job is queued, they are its to fail.
  let marked: number[] = [];
  try {
    const targets = [pr, ...pr.sameHead].sort((a, b) => a.number - b.number);
    const planes = await Promise.all(targets.map((target) => readGitHubControlPlane(github, repo, target.baseSha, target.baseSha === pr.baseSha ? pr.baseFiles : undefined)));
    const governed = targets.flatMap((target, i) => (planes[i] ? [{ target, plane: planes[i] }] : []));
    if (governed.length === 0) {
      log.debug({ pr: number }, "no Gitgate config: not governed");
      return { governed: false };
    }
    const existing = pr.checkRunId ?? (interrupted?.headSha === pr.headSha ? interrupted.id : undefined);
    const slow = slowStartCheckRun(github, repo, pr.headSha, existing, deps.inProgressAfterMs, deps.onRunStarted);
    run = slow;
    // A large change is known to be slow as soon as it is listed.
    const onListed = (files: number) => {
      if (files >= inProgressFromFiles) slow.now();
    };
    const judged: (JudgedBase & { report: Report; previewComment: boolean; approvals: ApprovalScope | undefined })[] = [];
    for (const { target, plane } of governed) {
      const listing = listedEarly(target);
      const result = await judgeOnGitHub(deps, plane, { baseSha: target.baseSha, headSha: target.headSha, pullNumber: target.number, options: { today: deps.today(), pullRequest: pullRequestInput(target) }, parts: governed.length, onListed, ...(listing ? { listing } : {}) })
        .catch((error: Error) => {
          // Which base could not be judged matters when there are several.
          throw governed.length > 1 ? new Error(`into ${target.baseRef} (#${target.number}): ${error.message}`) : error;
        });
      judged.push({ pullNumber: target.number, baseRef: target.baseRef, report: result.report, output: result.github, previewComment: result.route.previewComment, approvals: result.approvals });
    }
    const own = judged.find((j) => j.pullNumber === pr.number);
    // Before validate completes (an approval job of a review waits for that): the approval verdict the
    // head has stands for no base until its approval job has decided again.
    if (own?.approvals?.enabled) marked = await markApprovalPending(github, repo, pr.headSha, pr.approvals.approvalCheckRunIds, pr.url);
    // The verdict belongs to the head it judged, so it is published there even if the PR moved on, with
    // every pull request and base it judged and their digests (each base governs its own files), this PR's first.
    const digests = [...judged].sort((a, b) => Number(b === own) - Number(a === own)).map((j) => ({ pullNumber: j.pullNumber, baseRef: j.baseRef, digest: j.report.governedDiffDigest }));
    await completeCheckRun(github, repo, await run.target(), judged.length === 1 && own ? own.output : judged, digests);
    // The preview comment (and the approval check) speak for the PR's newest head: when a newer job
    // for this PR is already waiting, it publishes them. (A push whose webhook is still on its way
    // leaves this comment for a moment; its job then has the same comment edited in place.)
    const current = !(await deps.superseded?.());
    // The approval verdict is decided by an approval job (see reviewApprovals), on what validation found.
    const approvals = own?.approvals?.enabled && current ? { headSha: pr.headSha, baseSha: pr.baseSha, scope: own.approvals, headDigest: own.report.governedDiffDigest } : undefined;
    const line = approvals ? `\n\n${approvalLine(rulesInScope(repo.owner, approvals.scope))}\n` : "";
    const preview = own && current && own.previewComment ? { headSha: pr.headSha, body: `${own.output.comment}${line}`, ...(pr.commentId !== undefined ? { commentId: pr.commentId } : {}) } : undefined;
    const report: Report = own?.report ?? judged[0]!.report;
    const conclusion = judged.some((j) => j.report.conclusion === "failure") ? "failure" : "success";
    log.info({ pr: number, head: pr.headSha, bases: judged.map((j) => j.baseRef), conclusion, findings: report.findings.length, ms: Math.round(performance.now() - started) }, "evaluated");
    deps.onEvaluated?.({ ...report, conclusion }, (performance.now() - started) / 1000);
    const unfinished = !approvals && pr.approvals.unfinishedApprovalRuns.length > 0;
    return { governed: true, ...(approvals ? { approvals } : {}), ...(unfinished ? { unfinishedApprovals: pr.headSha } : {}), ...(preview ? { preview } : {}) };
  } catch (error) {
    log.error({ pr: number, head: pr.headSha, err: error }, "could not evaluate");
    // No approval job follows: approval runs this job or an earlier one marked fail with it, never left
    // in progress (first: failing the validate run may fail too).
    const left = [...new Set([...pr.approvals.unfinishedApprovalRuns, ...marked])];
    if (left.length > 0) {
      await publishApprovalVerdict(github, repo, pr.headSha, left, couldNotEvaluateError(error as Error), pr.url, decidedFor(pr)).catch((failed: unknown) => log.warn({ pr: number, err: failed }, "could not fail the approval check"));
    }
    await failCheckRun(github, repo, run ? await run.target() : pr.checkRunId ?? { headSha: pr.headSha }, (error as Error).message);
    deps.onEvaluated?.(undefined, (performance.now() - started) / 1000);
  }
  return { governed: true };
}

/** The PR's head and base commits as the webhook gave them. */
export interface PullRequestShas {
  headSha: string;
  baseSha: string;
}

/** What the webhook said about the PR, to read ahead with (the commits only where worth it); the PR as read decides. */
export type PullRequestHint = { baseRef?: string } & Partial<PullRequestShas>;

function pullRequestInput(target: PullRequestTarget) {
  return { number: target.number, author: target.author, base: target.baseRef, head: target.headRef, labels: target.labels, draft: target.draft };
}
