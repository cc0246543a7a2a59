import type { FileContent } from "../../src/engine/change-set.js";
import { parseFile } from "../../src/engine/parse/parse-file.js";
import { defaultParseLimits, type ParseLimits } from "../../src/engine/parse/parse-limits.js";

export const text = (value: string): FileContent => ({ kind: "text", text: value, size: Buffer.byteLength(value) });

export function parseText(path: string, value: string, limits: Partial<ParseLimits> = {}) {
  return parseFile(path, text(value), { ...defaultParseLimits, ...limits });
}

/** The parts of a finding a person reads: where and what. */
export const where = (f: { rule: string; line: number; column: number; severity: string }) =>
  `${f.severity} ${f.rule} ${f.line}:${f.column}`;

/** A finding in one line: severity, rule, place and whether the change introduced it. */
export const brief = (f: { severity: string; rule: string; path: string; line: number; column: number; status: string }) =>
  `${f.severity} ${f.rule} ${f.path}:${f.line}:${f.column} ${f.status}`;
