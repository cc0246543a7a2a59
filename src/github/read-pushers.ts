import type { GitHub, RepoRef } from "./github-types.js";

/** Activities of a branch read at most: a branch pushed more often than this cannot be vouched for. */
export const maxBranchActivities = 1000;

/** Activity that puts commits on a branch, with its actor. */
const pushing = new Set(["push", "force_push", "branch_creation"]);

/**
 * Everyone who pushed to a branch of the repository, from GitHub's repository activity: a commit's
 * author and committer are e-mails anyone can write (GitHub links them to whoever owns them), a push
 * is made as oneself. Throws past maxBranchActivities: the caller fails closed.
 */
export async function readPushers(github: GitHub, repo: RepoRef, branch: string): Promise<string[]> {
  const pushers = new Set<string>();
  let seen = 0;
  for await (const page of github.paginate.iterator(github.rest.repos.listActivities, { owner: repo.owner, repo: repo.repo, ref: `refs/heads/${branch}`, per_page: 100 })) {
    for (const activity of page.data) if (pushing.has(activity.activity_type) && activity.actor) pushers.add(activity.actor.login);
    seen += page.data.length;
    if (seen > maxBranchActivities) throw new Error(`the pull request's branch has more than ${maxBranchActivities} pushes and other activities; Gitgate reads at most ${maxBranchActivities}, so not everyone who pushed to it can be known`);
  }
  return [...pushers];
}
