import type { DraftFinding, Finding } from "./finding.js";

/**
 * Marks each head finding `existing` when the base had the same finding, else `new`. Lines move when
 * a file is edited, so findings are compared by what they say and where in the document they point,
 * not by line. Each base finding excuses at most one head finding.
 *
 * A parse error that leaves its document or its whole file unjudged (too deep, too large, too many
 * documents, a syntax error, a duplicate key) is excused only when the text is the same at the base
 * (`sameText`: a renamed file, a chart's output a change to its README leaves as it was): otherwise a
 * change kept behind the same error as the base's, a privileged Pod added below it, would pass unseen,
 * while the cluster's own reader may well read it.
 */
export function classifyFindings(
  head: { findings: readonly DraftFinding[]; identityOf: (finding: DraftFinding) => string },
  base: { findings: readonly DraftFinding[]; identityOf: (finding: DraftFinding) => string } | undefined,
  sameText = false,
): Finding[] {
  const remaining = new Map<string, number>();
  for (const finding of base?.findings ?? []) {
    const key = keyOf(finding, base!.identityOf);
    remaining.set(key, (remaining.get(key) ?? 0) + 1);
  }
  return head.findings.map((finding) => {
    const key = keyOf(finding, head.identityOf);
    const left = remaining.get(key) ?? 0;
    if (left > 0) remaining.set(key, left - 1);
    const unjudged = !sameText && finding.source === "parse" && finding.severity === "error" && !judgedAnyway.has(finding.rule);
    return { ...finding, status: finding.status ?? (left > 0 && !unjudged ? "existing" : "new") };
  });
}

function keyOf(finding: DraftFinding, identityOf: (finding: DraftFinding) => string): string {
  return [finding.rule, identityOf(finding), finding.pointer ?? "", finding.message].join("\u0000");
}

/** Parse errors after which the document is judged all the same, or that hold no manifest (binary). */
const judgedAnyway = new Set(["yaml/line-break", "yaml/byte-order-mark", "file/binary"]);
