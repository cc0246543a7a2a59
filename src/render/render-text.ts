import { styleText } from "node:util";
import type { Finding, Severity } from "../engine/finding.js";
import { nothingValidated, type Report } from "../engine/report.js";
import { plural } from "./location.js";
import { printable } from "./terminal-text.js";

export interface TextOptions {
  /** Colour only when writing to a terminal. */
  color: boolean;
}

type Style = Parameters<typeof styleText>[0];

/** Terminal output: findings grouped by file, each with the offending source line and a caret. */
export function renderText(report: Report, options: TextOptions): string {
  // The caller decides about colour (TTY or not); styleText must not second-guess it from process.stdout.
  const paint = (style: Style, text: string) => (options.color ? styleText(style, text, { validateStream: false }) : text);
  const severityStyle: Record<Severity, Style> = { error: "red", warning: "yellow", notice: "cyan" };
  const out: string[] = [];
  const verdict = report.conclusion === "failure" ? paint(["bold", "red"], "FAIL")
    : nothingValidated(report) ? paint(["bold", "yellow"], "WARN")
    : paint(["bold", "green"], "PASS");
  out.push(`${verdict} gitgate/validate: ${report.title}`);
  // validate judges files as they are (working tree, or staged files): there is no base to speak of.
  const judged = report.mode === "snapshot" ? report.head : `base ${short(report.base)} → head ${short(report.head)}`;
  out.push(paint("dim", `${judged}, fail_on: ${report.failOn}`));
  if (report.controlPlane.defaulted) out.push(paint("yellow", `config: built-in defaults (no ${report.controlPlane.configPath} in the repository)`));

  const byFile = new Map<string, Finding[]>();
  for (const finding of report.findings) byFile.set(finding.path, [...(byFile.get(finding.path) ?? []), finding]);
  for (const [path, findings] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    out.push("", paint("underline", printable(path)));
    for (const f of [...findings].sort((a, b) => a.line - b.line || a.column - b.column)) {
      const where = `${f.line}:${f.column}`.padEnd(8);
      const severity = paint(severityStyle[f.severity], f.severity.padEnd(7));
      const status = f.status === "existing" ? paint("dim", " (existing)") : "";
      out.push(`  ${where} ${severity} ${printable(f.message)}  ${paint("dim", printable(f.rule))}${status}`);
      const source = report.snippets[path]?.[f.line];
      if (source !== undefined) {
        const gutter = String(f.line).padStart(6);
        out.push(paint("dim", `${gutter} | `) + printable(source));
        const width = f.endLine === f.line ? Math.max(1, f.endColumn - f.column) : 1;
        out.push(paint("dim", `${" ".repeat(6)} | `) + " ".repeat(Math.max(0, f.column - 1)) + paint(severityStyle[f.severity], "^".repeat(Math.min(width, 80))));
      }
    }
  }
  const s = report.summary;
  out.push(
    "",
    `${plural(s.errors, "error")} (${s.newErrors} new, ${s.existingErrors} existing), ${plural(s.warnings, "warning")}, ` +
      `${plural(s.notices, "notice")} in ${plural(s.governedFiles, "governed file")} (${plural(s.documents, "document")})`,
  );
  return out.join("\n") + "\n";
}

function short(sha: string): string {
  return /^[0-9a-f]{40}$/.test(sha) ? sha.slice(0, 12) : sha;
}
