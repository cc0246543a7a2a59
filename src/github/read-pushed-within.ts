import { mapConcurrent } from "../engine/map-concurrent.js";
import type { GitHub, RepoRef } from "./github-types.js";
import { maxBranchActivities } from "./read-pushers.js";
import { maxVerifiedCommits, readPushedCommits, type PushedCommit } from "./read-pushed-commits.js";

/** Activities of a kind read at most, newest first, to reach the period's beginning. */
const maxActivitiesRead = 10 * maxBranchActivities;

/** Every kind of activity that moves a branch forward, each listed on its own (GitHub filters by one kind a request). */
const moving = ["push", "force_push", "pr_merge", "merge_queue_merge"] as const;

/**
 * The commits that pushes and merges to `branch` within [since, until) brought, by GitHub's record of
 * them (repository activity, timed by GitHub). A commit's dates are whatever its committer wrote, and
 * a listing of a branch's commits by date may stop at the first commit dated before the period (git's
 * does): one commit pushed under an old date hides itself and every commit beneath it from it. Throws (the
 * caller cannot decide) past maxBranchActivities activities of a kind in the period, past
 * maxVerifiedCommits commits, or when a push's commits cannot be read.
 */
export async function readPushedWithin(github: GitHub, repo: RepoRef, branch: string, since: string, until: string | undefined): Promise<PushedCommit[]> {
  const start = Date.parse(since);
  const end = until !== undefined ? Date.parse(until) : Infinity;
  const ranges = (await Promise.all(moving.map(async (kind) => {
    const found: { before: string; after: string; at: number }[] = [];
    let read = 0;
    // Newest first: the listing stops at the first push before the period.
    listing: for await (const page of github.paginate.iterator(github.rest.repos.listActivities, { owner: repo.owner, repo: repo.repo, ref: `refs/heads/${branch}`, activity_type: kind, direction: "desc", per_page: 100 })) {
      for (const activity of page.data) {
        const at = Date.parse(activity.timestamp);
        if (Number.isNaN(at)) throw new Error(`GitHub gives no time for the ${kind.replace("_", " ")} of ${activity.after.slice(0, 12)} to ${branch}`);
        if (at < start) break listing;
        if (++read > maxActivitiesRead) throw new Error(`${branch} has more than ${maxActivitiesRead} activities of kind ${kind} since the period began; Gitgate reads at most ${maxActivitiesRead}: ask for a later period`);
        if (at < end) found.push({ before: activity.before, after: activity.after, at });
        if (found.length > maxBranchActivities) throw new Error(`${branch} has more than ${maxBranchActivities} activities of kind ${kind} in the period; Gitgate reads at most ${maxBranchActivities}: ask for a shorter period`);
      }
    }
    return found;
  }))).flat();
  // A push that created the branch has no commit before it to compare with (its commits are the
  // branch's history, which the listing by date covers), and one that deleted it brought nothing.
  // Oldest first, so that the commits come in the order they were pushed.
  const comparable = ranges.filter(({ before, after }) => !/^0+$/.test(before) && !/^0+$/.test(after)).sort((a, b) => a.at - b.at);
  let count = 0;
  const perPush = await mapConcurrent(comparable, 8, async ({ before, after }) => {
    const { commits } = await readPushedCommits(github, repo, before, after);
    if ((count += commits.length) > maxVerifiedCommits) throw new Error(`pushes to ${branch} in the period brought more than ${maxVerifiedCommits} commits: ask for a shorter period`);
    return commits;
  });
  return [...new Map(perPush.flat().map((c) => [c.sha, c])).values()];
}
