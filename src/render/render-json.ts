import type { Report } from "../engine/report.js";
import { jsonChunks } from "./json-chunks.js";

/** The machine-readable report: the contract in DESIGN.md (conclusion, findings[], diff, …). */
export function renderJson(report: Report): string {
  return [...renderJsonPieces(report)].join("");
}

/** renderJson's text in pieces, for writing a large report out as it is made. */
export function* renderJsonPieces(report: Report): Generator<string> {
  const { snippets: _snippets, ...rest } = report;
  yield* jsonChunks(rest);
  yield "\n";
}
