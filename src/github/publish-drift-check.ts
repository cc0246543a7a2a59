import { createHash } from "node:crypto";
import { checkNames, type GitHub, type RepoRef } from "./github-types.js";

/**
 * Puts a failing gitgate/guard check run on the branch head for a protection incident, unless that
 * commit already carries one for the same findings (a duplicate delivery or the next sweep): the
 * fingerprint of the findings is its external_id.
 */
/** How a protection incident's run is told from a commit's provenance run (same check name). */
export const protectionRunPrefix = "protection:";

export async function publishDriftCheck(github: GitHub, repo: RepoRef, appId: number, run: { headSha: string; fingerprint: string; title: string; summary: string }): Promise<boolean> {
  const externalId = `${protectionRunPrefix}${createHash("sha256").update(run.fingerprint).digest("hex").slice(0, 32)}`;
  const { data } = await github.rest.checks.listForRef({ ...repo, ref: run.headSha, check_name: checkNames.guard, app_id: appId, filter: "all", per_page: 100 });
  if (data.check_runs.some((r) => r.external_id === externalId)) return false;
  await github.rest.checks.create({
    ...repo,
    name: checkNames.guard,
    head_sha: run.headSha,
    external_id: externalId,
    status: "completed",
    conclusion: "failure",
    completed_at: new Date().toISOString(),
    output: { title: run.title, summary: run.summary },
  });
  return true;
}
