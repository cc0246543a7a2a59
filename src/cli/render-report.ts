import type { Report } from "../engine/report.js";
import { renderJson } from "../render/render-json.js";
import { renderComment } from "../render/render-comment.js";
import { renderMarkdown } from "../render/render-markdown.js";
import { renderPreviewText } from "../render/render-preview-text.js";
import { renderSarif } from "../render/render-sarif.js";
import { renderText } from "../render/render-text.js";
import type { Format } from "./cli-options.js";

export function renderReport(report: Report, format: Format, color: boolean): string {
  switch (format) {
    case "json":
      return renderJson(report);
    case "markdown":
      // A change reads as the PR comment does (paste it into a PR, or post it from CI); a snapshot has no preview.
      return report.mode === "snapshot" ? renderMarkdown(report) : renderComment(report);
    case "sarif":
      return renderSarif(report);
    case "text":
      return report.mode === "snapshot" ? renderText(report, { color }) : `${renderText(report, { color })}\n${renderPreviewText(report)}`;
  }
}

/** What standard output shows when the report goes to a file: the findings and counts, without the preview. */
export function renderSummary(report: Report, color: boolean): string {
  return renderText(report, { color });
}
