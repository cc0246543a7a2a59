import type { GitHub, RepoRef } from "./github-types.js";
import { readPreviewComment } from "./read-pull-request.js";

/**
 * One sticky comment per PR: found by its hidden marker, edited in place, never posted twice. The body
 * was rendered in the evaluation worker (see check-run-output.ts).
 */
export async function publishPreviewComment(github: GitHub, repo: RepoRef, number: number, existingId: number | undefined, body: string): Promise<void> {
  if (existingId !== undefined) {
    await github.rest.issues.updateComment({ owner: repo.owner, repo: repo.repo, comment_id: existingId, body });
  } else {
    await github.rest.issues.createComment({ owner: repo.owner, repo: repo.repo, issue_number: number, body });
  }
}

/** The sticky preview an evaluation of `headSha` rendered (scrubbed, in the worker), and where it goes. */
export interface PreviewComment {
  headSha: string;
  body: string;
  /** The sticky comment the evaluation's read of the PR found. */
  commentId?: number | undefined;
}

/** What a comment job carries. */
export interface PreviewToPublish extends PreviewComment {
  /**
   * The evaluation's read may be older than a comment another comment job of the PR created since (one
   * was waiting or running when it started): the comment is looked for again before one is created.
   */
  lookAgain: boolean;
}

/**
 * Writes a PR's preview from a comment job (one at a time per PR). Returns false when it was left to a
 * newer evaluation: looked at again, the PR is closed or has moved on from the head the preview is of.
 */
export async function publishPreview(github: GitHub, repo: RepoRef, number: number, preview: PreviewToPublish): Promise<boolean> {
  let id = preview.commentId;
  if (id === undefined && preview.lookAgain) {
    const now = await readPreviewComment(github, repo, number);
    if (!now?.open || now.headSha !== preview.headSha) return false;
    id = now.commentId;
  }
  await publishPreviewComment(github, repo, number, id, preview.body);
  return true;
}
