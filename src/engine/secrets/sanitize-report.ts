import type { Report } from "../report.js";
import { isMasked } from "./mask-value.js";
import type { SecretSet } from "./secret-set.js";

/**
 * The last pass before a report leaves the engine: every free text (messages, source lines, diff
 * values) is scrubbed of the change's secret values and of anything shaped like a secret.
 */
export function sanitizeReport(report: Report, secrets: SecretSet): Report {
  const scrub = (text: string) => secrets.scrub(text);
  return {
    ...report,
    title: scrub(report.title),
    findings: report.findings.map((f) => ({ ...f, message: scrub(f.message), ...(f.waiver ? { waiver: { ...f.waiver, reason: scrub(f.waiver.reason) } } : {}) })),
    snippets: Object.fromEntries(
      Object.entries(report.snippets).map(([path, lines]) => [path, Object.fromEntries(Object.entries(lines).map(([line, text]) => [line, scrub(text)]))]),
    ),
    diff: {
      ...report.diff,
      objects: report.diff.objects.map((o) => ({
        ...o,
        changes: o.changes.map((c) => ({
          ...c,
          ...("before" in c ? { before: scrubValue(c.before, scrub) } : {}),
          ...("after" in c ? { after: scrubValue(c.after, scrub) } : {}),
        })),
        ...(o.content !== undefined ? { content: scrubValue(o.content, scrub) } : {}),
      })),
    },
  };
}

function scrubValue(value: unknown, scrub: (text: string) => string): unknown {
  if (typeof value === "string") return scrub(value);
  if (isMasked(value)) return value;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, scrub));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [scrub(k), scrubValue(v, scrub)]));
  return value;
}
