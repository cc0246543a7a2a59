import type { GitHub, RepoRef } from "./github-types.js";

/** Activities of one kind read at most for a branch: a branch pushed more often than this cannot be vouched for. */
export const maxBranchActivities = 1000;

/**
 * The activities that put commits on a branch, each listed on its own (GitHub filters by one kind a
 * request): a long-lived branch's merges (`pr_merge`) never crowd its pushes out of the limit.
 */
const pushing = ["push", "force_push", "branch_creation"] as const;

/**
 * Everyone who pushed one of the pull request's commits to its branch, from GitHub's repository
 * activity: a commit's author and committer are e-mails anyone can write (GitHub links them to whoever
 * owns them), a push is made as oneself. Only pushes that left the branch at one of the pull request's
 * commits count: a branch of the same name deleted long ago, and whoever pushed to it, do not. Throws
 * (the caller fails closed) past maxBranchActivities, or for such a push GitHub names nobody for.
 */
export async function readPushers(github: GitHub, repo: RepoRef, branch: string, commits: readonly string[]): Promise<string[]> {
  const ours = new Set(commits);
  const found = await Promise.all(pushing.map(async (kind) => {
    const pushers: string[] = [];
    let seen = 0;
    for await (const page of github.paginate.iterator(github.rest.repos.listActivities, { owner: repo.owner, repo: repo.repo, ref: `refs/heads/${branch}`, activity_type: kind, per_page: 100 })) {
      for (const activity of page.data) {
        if (!ours.has(activity.after)) continue;
        if (!activity.actor) throw new Error(`GitHub names nobody for the ${kind.replace("_", " ")} of ${activity.after.slice(0, 12)} to the pull request's branch, so who pushed it cannot be known`);
        pushers.push(activity.actor.login);
      }
      seen += page.data.length;
      if (seen > maxBranchActivities) throw new Error(`the pull request's branch has more than ${maxBranchActivities} activities of kind ${kind}; Gitgate reads at most ${maxBranchActivities}, so not everyone who pushed to it can be known`);
    }
    return pushers;
  }));
  return [...new Set(found.flat())];
}
