import type { Report } from "../engine/report.js";

/** The machine-readable report: the contract in DESIGN.md (conclusion, findings[], diff, …). */
export function renderJson(report: Report): string {
  const { snippets: _snippets, ...rest } = report;
  return JSON.stringify(rest, null, 2) + "\n";
}
