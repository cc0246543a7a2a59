import type { ControlPlaneFileDiff } from "./diff/control-plane-diff.js";
import type { SemanticDiff } from "./diff/diff-types.js";
import type { Finding } from "./finding.js";
import type { RenderedPreview } from "../rendering/judge-rendered.js";

export type Conclusion = "success" | "failure";

export interface ReportSummary {
  /** Files the change touches, governed or not. */
  changedFiles: number;
  /** Changed files that Gitgate validated. */
  governedFiles: number;
  /** Documents validated at the head. */
  documents: number;
  errors: number;
  warnings: number;
  notices: number;
  newErrors: number;
  existingErrors: number;
}

/** Everything Gitgate concluded about one base...head: renderers only format this. */
export interface Report {
  conclusion: Conclusion;
  /** One sentence saying why, for check-run titles and terminal output. */
  title: string;
  /** "change": base...head (a PR); "snapshot": files as they are (`gitgate validate`), no preview. */
  mode: "change" | "snapshot";
  base: string;
  head: string;
  failOn: "new" | "all";
  summary: ReportSummary;
  findings: Finding[];
  /** Source lines for findings, by path then line number, so renderers can show them. */
  snippets: Record<string, Record<number, string>>;
  /** What the change does to the objects it touches, secrets masked. */
  diff: SemanticDiff;
  /**
   * Kustomize and Helm targets: how many were found at base or head, and for each one the change
   * touches (only those are rendered) what its render adds, changes and removes. Absent when nothing
   * was rendered for this evaluation (rendering off, a snapshot, or a source that cannot render).
   */
  rendered?: { discovered: number; targets: RenderedPreview[] };
  controlPlane: {
    configPath: string;
    defaulted: boolean;
    digests: Record<string, string>;
    /** Control-plane files this change touches; they take effect only after merge. */
    changed: string[];
    /** Where waivers go (`exceptions` in the config), for the snippet the preview offers. */
    exceptionsPath?: string;
    /** Their lines as changed, for the preview (absent from snapshots and older reports). */
    diffs?: ControlPlaneFileDiff[];
  };
  /**
   * Digest of what the change does to governed and control-plane files (all files when the config at
   * the base is invalid): an approval of another commit with the same digest approved this change too.
   * Undefined for snapshots and when a version could not be read as text.
   */
  governedDiffDigest?: string;
}

export function summarize(findings: readonly Finding[], counts: Pick<ReportSummary, "changedFiles" | "governedFiles" | "documents">): ReportSummary {
  const errors = findings.filter((f) => f.severity === "error");
  return {
    ...counts,
    errors: errors.length,
    warnings: findings.filter((f) => f.severity === "warning").length,
    notices: findings.filter((f) => f.severity === "notice").length,
    newErrors: errors.filter((f) => f.status === "new").length,
    existingErrors: errors.filter((f) => f.status === "existing").length,
  };
}

/** Errors fail the check; with fail_on "new", only those the change introduced. */
export function conclude(findings: readonly Finding[], failOn: "new" | "all"): Conclusion {
  const failing = findings.some((f) => f.severity === "error" && (failOn === "all" || f.status === "new"));
  return failing ? "failure" : "success";
}

export function titleOf(summary: ReportSummary, conclusion: Conclusion): string {
  const { newErrors, existingErrors, warnings } = summary;
  if (conclusion === "failure") {
    const count = newErrors > 0 ? newErrors : summary.errors;
    return `${count} ${newErrors > 0 ? "new " : ""}error${count === 1 ? "" : "s"}` + (existingErrors && newErrors ? `, ${existingErrors} existing` : "");
  }
  const notes = [existingErrors ? `${existingErrors} existing error${existingErrors === 1 ? "" : "s"}` : "", warnings ? `${warnings} warning${warnings === 1 ? "" : "s"}` : ""].filter(Boolean);
  return notes.length ? `No new errors (${notes.join(", ")})` : "All governed files are valid";
}

/** A validate run that checked no file: renderers must not show it as a green pass. */
export function nothingValidated(report: Pick<Report, "mode" | "summary">): boolean {
  return report.mode === "snapshot" && report.summary.governedFiles === 0;
}

export const emptyDiff: SemanticDiff = {
  summary: { added: 0, changed: 0, removed: 0, moved: 0, formattingOnlyFiles: 0 },
  byKind: {},
  files: [],
  objects: [],
};
