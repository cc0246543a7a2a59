import type { GitHub, RepoRef } from "./github-types.js";

export interface CompletedCheckOutput {
  conclusion: "success" | "action_required" | "failure";
  title: string;
  summary: string;
}

/**
 * Publishes a check run that is decided at once (approval, guard): one run per name and commit,
 * updated in place when Gitgate already has one there. `externalId`, when given, replaces the run's record.
 */
export async function publishCompletedCheck(github: GitHub, repo: RepoRef, name: string, sha: string, existingId: number | undefined, output: CompletedCheckOutput, detailsUrl: string | undefined, externalId?: string): Promise<number> {
  const body = {
    owner: repo.owner,
    repo: repo.repo,
    status: "completed" as const,
    conclusion: output.conclusion,
    completed_at: new Date().toISOString(),
    output: { title: output.title.slice(0, 1000), summary: output.summary.slice(0, 60_000) },
    ...(detailsUrl ? { details_url: detailsUrl } : {}),
    ...(externalId !== undefined ? { external_id: externalId } : {}),
  };
  if (existingId !== undefined) {
    await github.rest.checks.update({ ...body, check_run_id: existingId });
    return existingId;
  }
  const { data } = await github.rest.checks.create({ ...body, name, head_sha: sha });
  return data.id;
}
