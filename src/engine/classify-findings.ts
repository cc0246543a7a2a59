import type { DraftFinding, Finding } from "./finding.js";

/**
 * Marks each head finding `existing` when the base had the same finding, else `new`. Lines move when
 * a file is edited, so findings are compared by what they say and where in the document they point,
 * not by line. Each base finding excuses at most one head finding.
 */
export function classifyFindings(
  head: { findings: readonly DraftFinding[]; identityOf: (finding: DraftFinding) => string },
  base: { findings: readonly DraftFinding[]; identityOf: (finding: DraftFinding) => string } | undefined,
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
    return { ...finding, status: finding.status ?? (left > 0 ? "existing" : "new") };
  });
}

function keyOf(finding: DraftFinding, identityOf: (finding: DraftFinding) => string): string {
  return [finding.rule, identityOf(finding), finding.pointer ?? "", finding.message].join("\u0000");
}
