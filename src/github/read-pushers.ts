import type { PullRequestApprovalFacts } from "./read-pull-request.js";
import type { GitHub, RepoRef } from "./github-types.js";

/** Activities of one kind read at most for a branch: a branch pushed more often than this cannot be vouched for. */
export const maxBranchActivities = 1000;

/**
 * The activities that put commits on a branch, each listed on its own (GitHub filters by one kind a
 * request): a long-lived branch's merges (`pr_merge`) never crowd its pushes out of the limit.
 */
const pushing = ["push", "force_push", "branch_creation"] as const;

/**
 * The activities in which GitHub itself commits to the branch, merging a pull request into it: whoever
 * merged brought its commits, which name their authors, not the merger. Read only for the commits
 * GitHub made that no push brought, and only until each is found: a long-lived branch has merged many.
 */
const merging = ["pr_merge", "merge_queue_merge"] as const;

/**
 * Everyone who pushed to the pull request's branch, from GitHub's repository activity: a commit's
 * author and committer are e-mails anyone can write (GitHub links them to whoever owns them), a push
 * is made as oneself. A push counts when it left the branch at one of the pull request's commits, or
 * was made once the pull request was open (`openedAt`): a push whose commits a rebase rewrote since
 * still brought its content. A branch of the same name deleted before, and whoever pushed to it, do
 * not count. Throws (the caller fails closed) past maxBranchActivities, or for such a push GitHub
 * names nobody for.
 */
export async function readPushers(github: GitHub, repo: RepoRef, branch: string, pull: Pick<PullRequestApprovalFacts, "commits" | "committedByGitHub" | "openedAt">): Promise<string[]> {
  const ours = new Set(pull.commits);
  const opened = pull.openedAt !== undefined ? Date.parse(pull.openedAt) : Infinity;
  const toPull = (activity: Activity) => ours.has(activity.after) || Date.parse(activity.timestamp) >= opened;
  const pushed = await Promise.all(pushing.map((kind) => readActivities(github, repo, branch, kind, toPull)));
  const pushers = pushed.flat();
  // The commits GitHub made that no push brought (an edit in GitHub's editor is a push) came from a merge.
  const missing = new Set(pull.committedByGitHub.filter((sha) => ours.has(sha)));
  for (const { after } of pushers) missing.delete(after);
  for (const kind of merging) {
    if (missing.size === 0) break;
    for (const merge of await readActivities(github, repo, branch, kind, (a) => missing.has(a.after), missing)) {
      pushers.push(merge);
      missing.delete(merge.after);
    }
  }
  return [...new Set(pushers.map((p) => p.login))];
}

type Activity = { after: string; timestamp: string };

/**
 * Who made each activity of `kind` to the branch that `counts`, newest first; with `untilFound`, no
 * further than the last of those commits. Throws past maxBranchActivities, or for such an activity
 * GitHub names nobody for.
 */
async function readActivities(github: GitHub, repo: RepoRef, branch: string, kind: string, counts: (activity: Activity) => boolean, untilFound?: ReadonlySet<string>): Promise<{ login: string; after: string }[]> {
  const found: { login: string; after: string }[] = [];
  const left = new Set(untilFound);
  let seen = 0;
  for await (const page of github.paginate.iterator(github.rest.repos.listActivities, { owner: repo.owner, repo: repo.repo, ref: `refs/heads/${branch}`, activity_type: kind as "push", per_page: 100 })) {
    for (const activity of page.data) {
      if (!counts(activity)) continue;
      if (!activity.actor) throw new Error(`GitHub names nobody for the ${kind.replaceAll("_", " ")} of ${activity.after.slice(0, 12)} to the pull request's branch, so who pushed it cannot be known`);
      found.push({ login: activity.actor.login, after: activity.after });
      left.delete(activity.after);
    }
    if (untilFound && left.size === 0) break;
    seen += page.data.length;
    if (seen > maxBranchActivities) throw new Error(`the pull request's branch has more than ${maxBranchActivities} activities of kind ${kind}; Gitgate reads at most ${maxBranchActivities}, so not everyone who pushed to it can be known`);
  }
  return found;
}
