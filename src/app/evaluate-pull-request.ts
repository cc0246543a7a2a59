import type { Report } from "../engine/report.js";
import { readGitHubControlPlane } from "../github/load-github-control-plane.js";
import { completeCheckRun, failCheckRun, startCheckRun, type JudgedBase } from "../github/publish-check-run.js";
import { publishPreviewComment } from "../github/publish-preview-comment.js";
import { readPullRequest, type PullRequestTarget } from "../github/read-pull-request.js";
import type { ApprovalScope } from "../evaluation/approval-scope.js";
import type { GitHubControlPlane } from "../github/load-github-control-plane.js";
import type { EvaluationDeps } from "./evaluation-deps.js";
import { approvalLine, judgeApprovals } from "./judge-approvals.js";
import { judgeOnGitHub } from "./judge-on-github.js";

/**
 * Judges a PR's current head and publishes `gitgate/validate` on it, plus the sticky preview:
 * 1. re-read the PR (the webhook's copy may be stale), 2. find the control plane at its base,
 * 3. mark the check in progress, 4. judge base...head in an evaluation worker, 5. publish.
 * The check run belongs to the head commit, but the rules to the base: when the same head is open
 * into several bases, it is judged against each, and fails if any base fails it.
 * Anything that goes wrong after step 3 completes the check as failure: never stuck, never neutral.
 */
export async function evaluatePullRequest(deps: EvaluationDeps, number: number): Promise<void> {
  const { github, repo, log } = deps;
  const started = performance.now();
  const pr = await readPullRequest(github, repo, number, deps.appId);
  if (!pr?.open) return;
  let checkRunId: number | undefined;
  try {
    const targets = [pr, ...pr.sameHead].sort((a, b) => a.number - b.number);
    const planes = await Promise.all(targets.map((target) => readGitHubControlPlane(github, repo, target.baseSha)));
    const governed = targets.flatMap((target, i) => (planes[i] ? [{ target, plane: planes[i] }] : []));
    if (governed.length === 0) {
      log.debug({ pr: number }, "no Gitgate config: not governed");
      return;
    }
    checkRunId = await startCheckRun(github, repo, pr.headSha, pr.checkRunId);
    const judged: (JudgedBase & { report: Report; previewComment: boolean; approvals: ApprovalScope | undefined; plane: GitHubControlPlane })[] = [];
    for (const { target, plane } of governed) {
      const result = await judgeOnGitHub(deps, plane, { baseSha: target.baseSha, headSha: target.headSha, pullNumber: target.number, options: { today: deps.today(), pullRequest: pullRequestInput(target) }, parts: governed.length })
        .catch((error: Error) => {
          // Which base could not be judged matters when there are several.
          throw governed.length > 1 ? new Error(`into ${target.baseRef} (#${target.number}): ${error.message}`) : error;
        });
      judged.push({ pullNumber: target.number, baseRef: target.baseRef, report: result.report, output: result.github, previewComment: result.route.previewComment, approvals: result.approvals, plane });
    }
    const own = judged.find((j) => j.pullNumber === pr.number);
    // The verdict belongs to the head it judged, so it is published there even if the PR moved on;
    // the preview comment speaks for the PR as a whole, so it waits for the newest head.
    const { data: current } = await github.rest.pulls.get({ owner: repo.owner, repo: repo.repo, pull_number: number });
    await completeCheckRun(github, repo, checkRunId, judged.length === 1 && own ? own.output : judged, own?.report.governedDiffDigest);
    // Approvals right after validate, on reviews read now (one that came in meanwhile found validate
    // unfinished and left this to us); a head that moved on gets its own job.
    let approvalLineText: string | undefined;
    if (own?.approvals?.enabled && current.head.sha === pr.headSha) {
      const fresh = await readPullRequest(github, repo, number, deps.appId);
      if (fresh?.open && fresh.headSha === pr.headSha) {
        const verdict = await judgeApprovals(deps, fresh, { scope: own.approvals, plane: own.plane, headDigest: own.report.governedDiffDigest }, true);
        approvalLineText = approvalLine(verdict);
      }
    }
    if (own && current.head.sha === pr.headSha && own.previewComment) {
      await publishPreviewComment(github, repo, number, pr.commentId, approvalLineText ? `${own.output.comment}\n\n${approvalLineText}\n` : own.output.comment);
    }
    const report: Report = own?.report ?? judged[0]!.report;
    const conclusion = judged.some((j) => j.report.conclusion === "failure") ? "failure" : "success";
    log.info({ pr: number, head: pr.headSha, bases: judged.map((j) => j.baseRef), conclusion, findings: report.findings.length, ms: Math.round(performance.now() - started) }, "evaluated");
    deps.onEvaluated?.({ ...report, conclusion }, (performance.now() - started) / 1000);
  } catch (error) {
    log.error({ pr: number, head: pr.headSha, err: error }, "could not evaluate");
    checkRunId ??= await startCheckRun(github, repo, pr.headSha, pr.checkRunId);
    await failCheckRun(github, repo, checkRunId, (error as Error).message);
    deps.onEvaluated?.(undefined, (performance.now() - started) / 1000);
  }
}

function pullRequestInput(target: PullRequestTarget) {
  return { number: target.number, author: target.author, base: target.baseRef, head: target.headRef, labels: target.labels, draft: target.draft };
}
