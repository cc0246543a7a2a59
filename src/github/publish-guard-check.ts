import type { GuardOutput } from "../render/render-guard-markdown.js";
import { checkNames, type GitHub, type RepoRef } from "./github-types.js";

/**
 * Publishes `gitgate/guard` on a pushed commit, completed at once: updated in place when Gitgate
 * already has one there (a duplicate delivery, or the merge event before the push), so each commit
 * has one guard run. An incident links its issue as the run's details page.
 */
export async function publishGuardCheck(github: GitHub, repo: RepoRef, sha: string, existingId: number | undefined, output: GuardOutput, detailsUrl?: string): Promise<number> {
  const body = {
    owner: repo.owner,
    repo: repo.repo,
    status: "completed" as const,
    conclusion: output.conclusion,
    completed_at: new Date().toISOString(),
    output: { title: output.title.slice(0, 1000), summary: output.summary.slice(0, 60_000) },
    ...(detailsUrl ? { details_url: detailsUrl } : {}),
  };
  if (existingId !== undefined) {
    await github.rest.checks.update({ ...body, check_run_id: existingId });
    return existingId;
  }
  const { data } = await github.rest.checks.create({ ...body, name: checkNames.guard, head_sha: sha });
  return data.id;
}
