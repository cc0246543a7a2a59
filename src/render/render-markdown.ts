import type { Finding, Severity } from "../engine/finding.js";
import { nothingValidated, type Report } from "../engine/report.js";
import { codeSpan, markdownText } from "./escape-markdown.js";
import { locationOf, plural } from "./location.js";

/** GitHub's limit on a check run's summary and on its text. */
export const checkRunTextLimit = 65_535;

const icon: Record<Severity, string> = { error: "❌", warning: "⚠️", notice: "ℹ️" };

/** What the `gitgate/validate` check run shows: verdict, counts, then a table of findings. */
export function renderMarkdown(report: Report, limit = checkRunTextLimit): string {
  const s = report.summary;
  const head = [
    `## ${report.conclusion === "failure" ? "❌" : nothingValidated(report) ? "⚠️" : "✅"} gitgate/validate: ${markdownText(report.title)}`,
    "",
    `| files changed | governed | documents | errors (new / existing) | warnings | notices |`,
    `| ---: | ---: | ---: | ---: | ---: | ---: |`,
    `| ${s.changedFiles} | ${s.governedFiles} | ${s.documents} | ${s.errors} (${s.newErrors} / ${s.existingErrors}) | ${s.warnings} | ${s.notices} |`,
    "",
    `Judged by the control plane ${report.mode === "snapshot" ? "in the working tree" : "at the base"} (\`fail_on: ${report.failOn}\`${report.controlPlane.defaulted ? ", built-in defaults: no config file" : ""}).`,
  ];
  if (report.findings.length === 0) return head.join("\n") + "\n";
  const table = ["", "### Findings", "", "| | location | rule | message |", "| --- | --- | --- | --- |"];
  const footer = (left: number) => `\n_${plural(left, "more finding")} not shown: the output limit was reached._\n`;
  let text = [...head, ...table].join("\n") + "\n";
  for (const [i, finding] of report.findings.entries()) {
    const row = renderRow(finding) + "\n";
    const left = report.findings.length - i;
    // Always leave room for the footer that says how much was cut.
    if (text.length + row.length + footer(left).length > limit) return text + footer(left);
    text += row;
  }
  return text;
}

/** A table row; path, rule and message come from input, so each is escaped for a table cell. */
function renderRow(f: Finding): string {
  const status = f.status === "existing" ? " (existing)" : "";
  return `| ${icon[f.severity]} ${f.severity}${status} | ${codeSpan(locationOf(f), true)} | ${codeSpan(f.rule, true)} | ${markdownText(f.message, true)} |`;
}
