import type { Report } from "../engine/report.js";
import type { Format } from "./cli-options.js";

/**
 * The report in the format asked for, as pieces to write one after the other (JSON, the format for
 * large reports, comes in pieces of 64 KB; the others whole). Each renderer is loaded when it is used:
 * the Markdown and SARIF ones bring the rule catalog and a YAML printer, which a terminal report of one
 * file never needs.
 */
export async function renderReport(report: Report, format: Format, color: boolean): Promise<Iterable<string>> {
  if (format === "json") return (await import("../render/render-json.js")).renderJsonPieces(report);
  return [await renderWhole(report, format, color)];
}

async function renderWhole(report: Report, format: Exclude<Format, "json">, color: boolean): Promise<string> {
  switch (format) {
    case "markdown":
      // A change reads as the PR comment does (paste it into a PR, or post it from CI); a snapshot has no preview.
      return report.mode === "snapshot"
        ? (await import("../render/render-markdown.js")).renderMarkdown(report)
        : (await import("../render/render-comment.js")).renderComment(report);
    case "sarif":
      return (await import("../render/render-sarif.js")).renderSarif(report);
    case "text": {
      const text = await renderSummary(report, color);
      return report.mode === "snapshot" ? text : `${text}\n${(await import("../render/render-preview-text.js")).renderPreviewText(report)}`;
    }
  }
}

/** What standard output shows when the report goes to a file: the findings and counts, without the preview. */
export async function renderSummary(report: Report, color: boolean): Promise<string> {
  return (await import("../render/render-text.js")).renderText(report, { color });
}
