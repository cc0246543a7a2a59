import { checkNames, type GitHub, type RepoRef } from "./github-types.js";
import { publishCompletedCheck } from "./publish-completed-check.js";
import { approvalExternalId } from "./verdict-records.js";

/** The pull request and base an approval verdict was decided for. */
export interface ApprovalDecidedFor {
  pullNumber: number;
  baseRef: string;
}

export interface ApprovalCheckOutput {
  conclusion: "success" | "action_required" | "failure";
  title: string;
  summary: string;
}

/**
 * Publishes `gitgate/approval` on a commit, completed at once: one check run per head, updated in
 * place when Gitgate already has one there. GitHub expects a details page with `action_required`:
 * the pull request, where the missing reviews are given. The verdict records the pull request and base
 * it was decided for (`decidedFor`; none when not known): the guard accepts it for no other. A record
 * an earlier verdict left is always replaced.
 */
export function publishApprovalCheck(github: GitHub, repo: RepoRef, headSha: string, existingId: number | undefined, output: ApprovalCheckOutput, detailsUrl: string | undefined, decidedFor: ApprovalDecidedFor | undefined): Promise<number> {
  const record = decidedFor ? approvalExternalId(decidedFor.pullNumber, decidedFor.baseRef) : "";
  return publishCompletedCheck(github, repo, checkNames.approval, headSha, existingId, output, detailsUrl, record);
}

/**
 * Publishes a verdict on every approval run of the head (`runIds`; one is created when it has none):
 * two jobs racing on one head can each have created one, and none may keep a verdict or stay in
 * progress.
 */
export async function publishApprovalVerdict(github: GitHub, repo: RepoRef, headSha: string, runIds: readonly number[], output: ApprovalCheckOutput, detailsUrl: string | undefined, decidedFor: ApprovalDecidedFor | undefined): Promise<void> {
  if (runIds.length === 0) await publishApprovalCheck(github, repo, headSha, undefined, output, detailsUrl, decidedFor);
  for (const id of runIds) await publishApprovalCheck(github, repo, headSha, id, output, detailsUrl, decidedFor);
}

/**
 * Marks `gitgate/approval` on a head in progress while its verdict is decided again (every run the
 * head has, or a new one): the verdict it had, decided for another base or config, must not stand
 * meanwhile, and one that never comes (the process stopped) leaves a run the reconcile sweep finds
 * unfinished.
 */
export async function markApprovalPending(github: GitHub, repo: RepoRef, headSha: string, existingIds: readonly number[], detailsUrl: string | undefined): Promise<number[]> {
  const body = {
    owner: repo.owner,
    repo: repo.repo,
    status: "in_progress" as const,
    output: { title: "Deciding approvals", summary: "The pull request was validated; its approvals are decided next, from its reviews as they are then." },
    ...(detailsUrl ? { details_url: detailsUrl } : {}),
  };
  if (existingIds.length === 0) {
    const { data } = await github.rest.checks.create({ ...body, name: checkNames.approval, head_sha: headSha });
    return [data.id];
  }
  for (const id of existingIds) await github.rest.checks.update({ ...body, check_run_id: id });
  return [...existingIds];
}

/** Every approval check run of Gitgate's on a commit (racing jobs can have left more than one). */
export async function findApprovalChecks(github: GitHub, repo: RepoRef, sha: string, appId: number): Promise<number[]> {
  const { data } = await github.rest.checks.listForRef({ owner: repo.owner, repo: repo.repo, ref: sha, check_name: checkNames.approval, app_id: appId, per_page: 100 });
  return data.check_runs.map((run) => run.id);
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
