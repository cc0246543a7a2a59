import type { GuardOutput } from "../render/render-guard-markdown.js";
import { checkNames, type GitHub, type RepoRef } from "./github-types.js";
import { publishCompletedCheck } from "./publish-completed-check.js";

/**
 * Publishes `gitgate/guard` on a pushed commit: updated in place when Gitgate already has one there (a
 * duplicate or redelivered push), so each commit has one provenance run. An
 * incident links its issue as the run's details page.
 */
export function publishGuardCheck(github: GitHub, repo: RepoRef, sha: string, existingId: number | undefined, output: GuardOutput, detailsUrl?: string): Promise<number> {
  return publishCompletedCheck(github, repo, checkNames.guard, sha, existingId, output, detailsUrl);
}
