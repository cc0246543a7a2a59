import type { GitHub, RepoRef } from "./github-types.js";

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
