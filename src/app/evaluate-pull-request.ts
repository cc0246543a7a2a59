import { evaluateChangeSet } from "../engine/evaluate-change-set.js";
import { loadGitHubControlPlane } from "../github/load-github-control-plane.js";
import { completeCheckRun, failCheckRun, startCheckRun } from "../github/publish-check-run.js";
import { publishPreviewComment } from "../github/publish-preview-comment.js";
import { listChanges, readChangeSet } from "../github/read-change-set.js";
import { readPullRequest } from "../github/read-pull-request.js";
import type { EvaluationDeps } from "./evaluation-deps.js";

/**
 * Judges a PR's current head and publishes `gitgate/validate` on it, plus the sticky preview:
 * 1. re-read the PR (the webhook's copy may be stale), 2. read the control plane at its base commit,
 * 3. mark the check in progress, 4. list and read the change, 5. evaluate, 6. publish.
 * Anything that goes wrong after step 3 completes the check as failure: never stuck, never neutral.
 */
export async function evaluatePullRequest(deps: EvaluationDeps, number: number): Promise<void> {
  const { github, repo, log } = deps;
  const started = performance.now();
  const pr = await readPullRequest(github, repo, number, deps.appId);
  if (!pr?.open) return;
  let checkRunId: number | undefined;
  try {
    const plane = await loadGitHubControlPlane(github, repo, pr.baseSha, deps.compileRego);
    if (!plane) {
      log.debug({ pr: number }, "no Gitgate config: not governed");
      return;
    }
    checkRunId = await startCheckRun(github, repo, pr.headSha, pr.checkRunId);
    const listed = await listChanges(github, repo, pr.baseSha, pr.headSha, pr.number);
    const maxBytes = plane.config?.limits.maxFileBytes ?? 1024 * 1024;
    const changes = await readChangeSet(github, repo, listed.mergeBase, pr.headSha, listed.files, maxBytes);
    const report = await evaluateChangeSet(plane, changes, {
      today: deps.today(),
      pullRequest: { number: pr.number, author: pr.author, base: pr.baseRef, head: pr.headRef, labels: pr.labels, draft: pr.draft },
    });
    // The verdict belongs to the head it judged, so it is published there even if the PR moved on;
    // the preview comment speaks for the PR as a whole, so it waits for the newest head.
    const { data: current } = await github.rest.pulls.get({ owner: repo.owner, repo: repo.repo, pull_number: number });
    await completeCheckRun(github, repo, checkRunId, report);
    if (current.head.sha === pr.headSha && plane.config?.preview.comment !== false) {
      await publishPreviewComment(github, repo, number, pr.commentId, report);
    }
    log.info({ pr: number, head: pr.headSha, conclusion: report.conclusion, findings: report.findings.length, ms: Math.round(performance.now() - started) }, "evaluated");
    deps.onEvaluated?.(report, (performance.now() - started) / 1000);
  } catch (error) {
    log.error({ pr: number, head: pr.headSha, err: error }, "could not evaluate");
    checkRunId ??= await startCheckRun(github, repo, pr.headSha, pr.checkRunId);
    await failCheckRun(github, repo, checkRunId, (error as Error).message);
    deps.onEvaluated?.(undefined, (performance.now() - started) / 1000);
  }
}
