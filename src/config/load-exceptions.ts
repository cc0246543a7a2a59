import type { DraftFinding, Span } from "../engine/finding.js";
import { joinPointer } from "../engine/parse/locate.js";
import { globProblem } from "./check-globs.js";
import { publishedSchema, readControlFile } from "./read-control-file.js";

/** A waiver: one rule, in the files or the Kubernetes object it names, until a date, owned by someone. */
export interface PolicyException {
  rule: string;
  files?: string[];
  object?: { kind: string; namespace?: string; name: string };
  reason: string;
  owner: string;
  /** Last day the waiver holds, YYYY-MM-DD. */
  expires: string;
  path: string;
  at: Span;
  expiresAt: Span;
}

interface RawException {
  rule: string;
  files?: string | string[];
  object?: { kind: string; namespace?: string; name: string };
  reason: string;
  owner: string;
  expires: string;
}

const validateExceptions = publishedSchema("gitgate-exceptions.schema.json");

export function loadExceptions(path: string, text: string): { exceptions: PolicyException[]; findings: DraftFinding[] } {
  const file = readControlFile(path, text, validateExceptions, "exceptions");
  const raws = (file.doc?.value as { exceptions?: RawException[] } | undefined)?.exceptions ?? [];
  raws.forEach((raw, i) => {
    for (const [j, glob] of (typeof raw.files === "string" ? [raw.files] : raw.files ?? []).entries()) {
      const problem = globProblem(glob);
      if (problem) file.fail("exceptions/glob", problem, joinPointer(["exceptions", i, "files", ...(typeof raw.files === "string" ? [] : [j])]));
    }
    if (Number.isNaN(Date.parse(`${raw.expires}T00:00:00Z`))) {
      file.fail("exceptions/invalid", `expires "${raw.expires}" is not a date`, joinPointer(["exceptions", i, "expires"]));
    }
  });
  const findings = [...file.errors, ...file.warnings];
  if (file.errors.length > 0 || !file.doc) return { exceptions: [], findings };
  const doc = file.doc;
  return {
    exceptions: raws.map((raw, i) => ({
      rule: raw.rule,
      ...(raw.files !== undefined ? { files: typeof raw.files === "string" ? [raw.files] : raw.files } : {}),
      ...(raw.object ? { object: raw.object } : {}),
      reason: raw.reason,
      owner: raw.owner,
      expires: raw.expires,
      path,
      at: doc.locate(joinPointer(["exceptions", i])),
      expiresAt: doc.locate(joinPointer(["exceptions", i, "expires"])),
    })),
    findings,
  };
}
