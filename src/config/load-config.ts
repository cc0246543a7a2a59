import type { DraftFinding } from "../engine/finding.js";
import { joinPointer } from "../engine/parse/locate.js";
import { parseFile } from "../engine/parse/parse-file.js";
import { defaultParseLimits } from "../engine/parse/parse-limits.js";
import type { ParsedDocument } from "../engine/parse/parsed-document.js";
import { describeSchemaError, simplifyErrors } from "../engine/schema/schema-error.js";
import { globProblem } from "./check-globs.js";
import { validateConfigShape } from "./config-schema.js";
import { configPath, type GitgateConfig } from "./config-types.js";
import { normalizeConfig, type RawConfig } from "./normalize-config.js";

export interface LoadedConfig {
  /** Undefined when there are errors: a half-understood config must not be used. */
  config?: GitgateConfig;
  errors: DraftFinding[];
  warnings: DraftFinding[];
}

/**
 * Reads `.github/gitgate.yml` text into the normalised config. Never throws: every problem is a
 * finding on the config file with its line and column, so it can be annotated where it is.
 */
export function loadConfig(text: string, path: string = configPath): LoadedConfig {
  const parsed = parseFile(path, { kind: "text", text, size: text.length }, defaultParseLimits);
  const findings = parsed.findings.map((f) => ({ ...f, source: "config" as const }));
  const errors = findings.filter((f) => f.severity === "error");
  const warnings = findings.filter((f) => f.severity !== "error");
  const fail = (rule: string, message: string, doc?: ParsedDocument, pointer = "", target: "key" | "value" = "value") =>
    errors.push({
      severity: "error", rule, message, path, source: "config",
      ...(doc ? doc.locate(pointer, target) : { line: 1, column: 1, endLine: 1, endColumn: 1 }),
      ...(pointer ? { pointer } : {}),
    });

  if (errors.length > 0) return { errors, warnings };
  const [doc, ...extra] = parsed.documents;
  if (!doc) {
    fail("config/empty", "Config is empty: it needs at least `version: 1`.");
    return { errors, warnings };
  }
  if (extra.length > 0) {
    fail("config/multiple-documents", "Config must be a single YAML document.", extra[0], "");
    return { errors, warnings };
  }

  for (const error of simplifyErrors(validateConfigShape(doc.value) ?? [])) {
    const described = describeSchemaError(error);
    const rule = error.keyword === "additionalProperties" ? "config/unknown-key" : "config/invalid";
    fail(rule, described.message, doc, described.pointer, described.target);
  }
  if (errors.length > 0) return { errors, warnings };

  const raw = doc.value as RawConfig;
  for (const [pointer, glob] of globsOf(raw)) {
    const problem = globProblem(glob);
    if (problem) fail("config/glob", problem, doc, pointer);
  }
  raw.schemas?.forEach((rule, i) => {
    if (rule.schema !== "kubernetes" && (rule.schema.startsWith("/") || rule.schema.split("/").includes(".."))) {
      fail("config/invalid", `schema path "${rule.schema}" must be relative to the repository root, inside it`,
        doc, joinPointer(["schemas", i, "schema"]));
    }
  });
  if (errors.length > 0) return { errors, warnings };
  return { config: normalizeConfig(raw, doc), errors, warnings };
}

/** Every glob in the config with the pointer it is written at. */
function globsOf(raw: RawConfig): [string, string][] {
  const out: [string, string][] = [];
  const add = (value: string | string[] | undefined, ...at: (string | number)[]) => {
    if (typeof value === "string") out.push([joinPointer(at), value]);
    else value?.forEach((glob, i) => out.push([joinPointer([...at, i]), glob]));
  };
  add(raw.files, "files");
  add(raw.ignore, "ignore");
  raw.schemas?.forEach((rule, i) => add(rule.files, "schemas", i, "files"));
  raw.approvals?.rules?.forEach((rule, i) => add(rule.files, "approvals", "rules", i, "files"));
  add(raw.preview?.redact, "preview", "redact");
  return out;
}
