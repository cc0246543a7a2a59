/** Where a finding came from; renderers group and label by it. */
export type FindingSource = "parse" | "schema" | "policy" | "config" | "approval" | "guard";

export type Severity = "error" | "warning" | "notice";

/** Whether the PR introduced a finding or it was already there at the base. */
export type FindingStatus = "new" | "existing";

/** A 1-based line/column span in one file. */
export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface Finding extends Span {
  severity: Severity;
  rule: string;
  message: string;
  path: string;
  source: FindingSource;
  status: FindingStatus;
  /** JSON pointer of the offending node inside its document, when known. */
  pointer?: string;
  /** Index of the document in a multi-document YAML stream. */
  document?: number;
  /** Set when an exception waives the finding: it stays visible as a notice. */
  waiver?: { owner: string; expires: string; reason: string };
}

/** A finding before it is compared with the base: status is decided later. */
export type DraftFinding = Omit<Finding, "status"> & { status?: FindingStatus };

const severityRank: Record<Severity, number> = { error: 0, warning: 1, notice: 2 };

/** Most severe first, then by file and position, so output is stable. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank[a.severity] - severityRank[b.severity] ||
    a.path.localeCompare(b.path) ||
    a.line - b.line ||
    a.column - b.column ||
    a.rule.localeCompare(b.rule) ||
    a.message.localeCompare(b.message)
  );
}

export const fileStart: Span = { line: 1, column: 1, endLine: 1, endColumn: 1 };
