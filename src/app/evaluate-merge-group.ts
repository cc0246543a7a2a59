import { readGitHubControlPlane } from "../github/load-github-control-plane.js";
import { completeCheckRun, failCheckRun, findCheckRun, startCheckRun } from "../github/publish-check-run.js";
import type { EvaluationDeps } from "./evaluation-deps.js";
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
    const { report, github: output } = await judgeOnGitHub(deps, plane, {
      baseSha: group.baseSha,
      headSha: group.headSha,
      options: { today: deps.today(), pullRequest: { base: group.baseRef, head: group.headRef } },
    });
    await completeCheckRun(github, repo, checkRunId, output);
    log.info({ mergeGroup: group.headRef, head: group.headSha, conclusion: report.conclusion }, "evaluated merge group");
    deps.onEvaluated?.(report, (performance.now() - started) / 1000);
  } catch (error) {
    log.error({ mergeGroup: group.headRef, err: error }, "could not evaluate merge group");
    checkRunId ??= await startCheckRun(github, repo, group.headSha, undefined);
    await failCheckRun(github, repo, checkRunId, (error as Error).message);
    deps.onEvaluated?.(undefined, (performance.now() - started) / 1000);
  }
}
