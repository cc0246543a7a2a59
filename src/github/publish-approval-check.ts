import { checkNames, type GitHub, type RepoRef } from "./github-types.js";
import { publishCompletedCheck } from "./publish-completed-check.js";

export interface ApprovalCheckOutput {
  conclusion: "success" | "action_required" | "failure";
  title: string;
  summary: string;
}

/**
 * Publishes `gitgate/approval` on a commit, completed at once: one check run per head, updated in
 * place when Gitgate already has one there. GitHub expects a details page with `action_required`:
 * the pull request, where the missing reviews are given.
 */
export function publishApprovalCheck(github: GitHub, repo: RepoRef, headSha: string, existingId: number | undefined, output: ApprovalCheckOutput, detailsUrl: string | undefined): Promise<number> {
  return publishCompletedCheck(github, repo, checkNames.approval, headSha, existingId, output, detailsUrl);
}

/** Gitgate's approval check run on a commit that is not a PR head (merge groups). */
export async function findApprovalCheck(github: GitHub, repo: RepoRef, sha: string, appId: number): Promise<number | undefined> {
  const { data } = await github.rest.checks.listForRef({ owner: repo.owner, repo: repo.repo, ref: sha, check_name: checkNames.approval, app_id: appId, per_page: 1 });
  return data.check_runs[0]?.id;
}

/** Asks the unmet rules' users and teams for a review. */
export async function requestReviews(github: GitHub, repo: RepoRef, number: number, users: readonly string[], teams: readonly string[]): Promise<void> {
  if (users.length === 0 && teams.length === 0) return;
  await github.rest.pulls.requestReviewers({ owner: repo.owner, repo: repo.repo, pull_number: number, reviewers: [...users], team_reviewers: [...teams] });
}
