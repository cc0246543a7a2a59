import type { DraftFinding, Span } from "../engine/finding.js";
import { joinPointer } from "../engine/parse/locate.js";
import { coversWholeRepository } from "./broad-glob.js";
import { globProblem } from "./check-globs.js";
import { publishedSchema } from "./published-schemas.js";
import { readControlFile } from "./read-control-file.js";

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
  allow_broad?: boolean;
  object?: { kind: string; namespace?: string; name: string };
  reason: string;
  owner: string;
  expires: string;
}

const validateExceptions = publishedSchema("gitgate-exceptions.schema.json");

/**
 * Reads the exceptions file. A waiver must say who answers for it and why (not just blanks), end on
 * a real day, and be scoped: a glob covering the whole repository needs `allow_broad: true`, so a
 * repository-wide waiver is a visible decision. How long it may run depends on today, so that is
 * judged where the exceptions are applied.
 */
export function loadExceptions(path: string, text: string): { exceptions: PolicyException[]; findings: DraftFinding[] } {
  const file = readControlFile(path, text, validateExceptions, "exceptions");
  const raws = (file.doc?.value as { exceptions?: RawException[] } | undefined)?.exceptions ?? [];
  raws.forEach((raw, i) => {
    const at = (...rest: (string | number)[]) => joinPointer(["exceptions", i, ...rest]);
    for (const field of ["owner", "reason"] as const) {
      if (!/\S/.test(raw[field])) file.fail("exceptions/invalid", `exceptions[${i}].${field} is blank: ${field === "owner" ? "name the user or team who answers for this waiver" : "say why the rule is waived"}`, at(field));
    }
    for (const [j, glob] of (typeof raw.files === "string" ? [raw.files] : raw.files ?? []).entries()) {
      const pointer = typeof raw.files === "string" ? at("files") : at("files", j);
      const problem = globProblem(glob);
      if (problem) file.fail("exceptions/glob", problem, pointer);
      else if (raw.allow_broad !== true && coversWholeRepository(glob)) {
        file.fail(
          "exceptions/too-broad",
          `glob "${glob}" waives ${raw.rule} across the whole repository: name the folders or files it is for, or set allow_broad: true on this exception if that is really meant`,
          pointer,
        );
      }
    }
    if (!isCalendarDate(raw.expires)) {
      file.fail("exceptions/invalid", `expires "${raw.expires}" is not a calendar date (YYYY-MM-DD)`, at("expires"));
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

/** "2026-02-31" has the right shape but no such day: Date would quietly roll it over into March. */
function isCalendarDate(value: string): boolean {
  const time = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
}
