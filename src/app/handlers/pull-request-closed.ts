import type { Probot } from "probot";
import type { Enqueue } from "../job-factory.js";
import { safely } from "./safely.js";

/**
 * A pull request was merged: the guard verifies it at once (an admin merge past a failing check is an
 * incident before the push event is even processed). Closed without merging: nothing landed.
 */
export function onPullRequestClosed(app: Probot, enqueue: Enqueue): void {
  app.on("pull_request.closed", safely((context) => {
    const { pull_request: pr, repository } = context.payload;
    if (!pr.merged || !pr.merge_commit_sha) return;
    enqueue.guard(context, {
      kind: "merge",
      merge: { branch: pr.base.ref, baseSha: pr.base.sha, mergeCommitSha: pr.merge_commit_sha, defaultBranch: repository.default_branch, actor: pr.merged_by?.login ?? context.payload.sender?.login },
    });
  }));
}
