import type { Report } from "../engine/report.js";
import { commentLimit, renderPreviewMarkdown } from "../render/render-preview-markdown.js";
import { previewMarker, type GitHub, type RepoRef } from "./github-types.js";

/** One sticky comment per PR: found by its hidden marker, edited in place, never posted twice. */
export async function publishPreviewComment(github: GitHub, repo: RepoRef, number: number, existingId: number | undefined, report: Report): Promise<void> {
  const head = `${previewMarker}\n`;
  const footer = `\n<sub>Gitgate preview of \`${report.head.slice(0, 12)}\` against \`${report.base.slice(0, 12)}\`: ${report.conclusion === "success" ? "✅" : "❌"} ${report.title}</sub>\n`;
  const body = head + renderPreviewMarkdown(report, commentLimit - head.length - footer.length) + footer;
  if (existingId !== undefined) {
    await github.rest.issues.updateComment({ owner: repo.owner, repo: repo.repo, comment_id: existingId, body });
  } else {
    await github.rest.issues.createComment({ owner: repo.owner, repo: repo.repo, issue_number: number, body });
  }
}
