import type { DraftFinding } from "../engine/finding.js";
import { parseFile } from "../engine/parse/parse-file.js";
import { defaultParseLimits } from "../engine/parse/parse-limits.js";
import type { ParsedDocument } from "../engine/parse/parsed-document.js";
import { describeSchemaError, simplifyErrors, type ValidateFunction } from "../engine/schema/schema-error.js";

export interface ControlFile {
  /** Undefined when the file has errors. */
  doc?: ParsedDocument;
  errors: DraftFinding[];
  warnings: DraftFinding[];
  /** Adds an error at a pointer of the document. */
  fail(rule: string, message: string, pointer?: string, target?: "key" | "value"): void;
}

/**
 * Parses a control-plane YAML file (config, exceptions) and checks it against its published schema.
 * Every problem is a finding on the file with line and column; nothing throws.
 */
export function readControlFile(
  path: string,
  text: string,
  validate: (value: unknown) => ValidateFunction["errors"],
  rulePrefix: string,
): ControlFile {
  const parsed = parseFile(path, { kind: "text", text, size: text.length }, defaultParseLimits);
  const findings = parsed.findings.map((f) => ({ ...f, source: "config" as const }));
  const errors = findings.filter((f) => f.severity === "error");
  const warnings = findings.filter((f) => f.severity !== "error");
  const [first, ...extra] = parsed.documents;
  const fail = (rule: string, message: string, pointer = "", target: "key" | "value" = "value", doc = first) => {
    errors.push({
      severity: "error", rule, message, path, source: "config",
      ...(doc ? doc.locate(pointer, target) : { line: 1, column: 1, endLine: 1, endColumn: 1 }),
      ...(pointer ? { pointer } : {}),
    });
  };
  const result = (doc?: ParsedDocument): ControlFile => ({ ...(doc ? { doc } : {}), errors, warnings, fail: (r, m, p, t) => fail(r, m, p, t, doc) });
  if (errors.length > 0) return result();
  if (!first) {
    fail(`${rulePrefix}/empty`, `${path} is empty.`);
    return result();
  }
  if (extra.length > 0) {
    fail(`${rulePrefix}/multiple-documents`, `${path} must be a single YAML document.`, "", "value", extra[0]);
    return result();
  }
  // An `if` that failed always comes with the error of the branch it chose, which says what is wrong.
  for (const error of simplifyErrors(validate(first.value) ?? []).filter((e) => e.keyword !== "if")) {
    const described = describeSchemaError(error);
    fail(error.keyword === "additionalProperties" ? `${rulePrefix}/unknown-key` : `${rulePrefix}/invalid`, described.message, described.pointer, described.target);
  }
  return result(errors.length > 0 ? undefined : first);
}
