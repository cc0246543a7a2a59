import type { Finding, Severity } from "../engine/finding.js";
import type { Report } from "../engine/report.js";
import { checkRunTextLimit, renderMarkdown } from "../render/render-markdown.js";
import { commentBodyLimit, renderComment } from "../render/render-comment.js";
import { renderPreviewMarkdown } from "../render/render-preview-markdown.js";
import { previewMarker } from "./github-types.js";

/** Beyond this, annotations stop helping: the summary lists the rest. */
const maxAnnotations = 1000;

const level: Record<Severity, "failure" | "warning" | "notice"> = { error: "failure", warning: "warning", notice: "notice" };

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "failure" | "warning" | "notice";
  title: string;
  message: string;
}

/**
 * What Gitgate publishes on GitHub for one report, rendered: the check run's output and annotations,
 * and the sticky comment's body. Pure; rendering walks the whole (untrusted) change, so it runs in the
 * evaluation worker and the main thread only sends strings. `parts` > 1 when the report is one of
 * several bases sharing one check run: each gets its share of GitHub's size limits.
 */
export interface GitHubOutput {
  conclusion: Report["conclusion"];
  title: string;
  summary: string;
  text: string;
  annotations: Annotation[];
  comment: string;
}

export function renderGitHubOutput(report: Report, parts = 1): GitHubOutput {
  const share = parts > 1 ? Math.floor(checkRunTextLimit / parts) - 1000 : checkRunTextLimit;
  return {
    conclusion: report.conclusion,
    title: report.title,
    summary: summaryOf(report, share),
    text: renderPreviewMarkdown(report, share),
    annotations: report.findings.filter((f) => f.path !== "").slice(0, maxAnnotations).map(toAnnotation),
    comment: commentOf(report),
  };
}

function summaryOf(report: Report, limit: number): string {
  const digests = Object.entries(report.controlPlane.digests)
    .map(([path, digest]) => `| \`${path}\` | \`${digest.slice(0, 12)}\` |`)
    .join("\n");
  const record = `\n\n<details><summary>Judged at base <code>${report.base.slice(0, 12)}</code> with this control plane</summary>\n\n| file | sha256 |\n| --- | --- |\n${digests}\n\n</details>\n`;
  return renderMarkdown(report, limit - record.length) + record;
}

function commentOf(report: Report): string {
  const head = `${previewMarker}\n`;
  const footer = `\n<sub>Gitgate preview of \`${report.head.slice(0, 12)}\` against \`${report.base.slice(0, 12)}\`: ${report.conclusion === "success" ? "✅" : "❌"} ${report.title}</sub>\n`;
  return head + renderComment(report, commentBodyLimit - head.length - footer.length) + footer;
}

function toAnnotation(f: Finding): Annotation {
  const sameLine = f.line === f.endLine;
  return {
    path: f.path,
    start_line: f.line,
    end_line: Math.max(f.line, f.endLine),
    ...(sameLine ? { start_column: f.column, end_column: Math.max(f.column, f.endColumn) } : {}),
    annotation_level: level[f.severity],
    title: `${f.rule}${f.status === "existing" ? " (existing)" : ""}`,
    message: f.message,
  };
}
