import { createMatcher } from "../config/check-globs.js";
import type { PolicyException } from "../config/load-exceptions.js";
import type { Finding } from "./finding.js";

export interface KubernetesObject {
  kind: string;
  namespace?: string;
  name: string;
}

export interface ExceptionTerms {
  /** Today as YYYY-MM-DD: the engine has no clock of its own. */
  today: string;
  /** Longest an exception may run from today (`limits.exception_max_days`). */
  maxDays: number;
}

/**
 * Applies the exceptions file: each active exception waives the findings of its rule in the files or
 * the object it names, and nothing else. Waived findings stay visible as notices with owner and expiry.
 * An expired exception waives nothing and is one warning naming its owner; one that runs further ahead
 * than the config allows waives nothing and is an error, so a waiver cannot be made permanent.
 */
export function applyExceptions(
  findings: readonly Finding[],
  exceptions: readonly PolicyException[],
  { today, maxDays }: ExceptionTerms,
  objectOf: (finding: Finding) => KubernetesObject | undefined,
): Finding[] {
  const latest = addDays(today, maxDays);
  const active = exceptions
    .filter((e) => e.expires >= today && e.expires <= latest)
    .map((e) => ({ exception: e, inFiles: e.files ? createMatcher(e.files) : () => false }));
  const problems: Finding[] = exceptions.flatMap((e): Finding[] => {
    const at = { severity: "error", source: "config", status: "new", path: e.path, ...e.expiresAt } as const;
    if (e.expires < today) {
      // A warning, not an error: the findings it waived come back as what they are (new or existing),
      // so the expiry fails the changes that touch them and not every unrelated PR, hotfixes included.
      return [{
        ...at, severity: "warning", rule: "exceptions/expired",
        message: `Exception for ${e.rule} (owner ${e.owner}) expired on ${e.expires}: it waives nothing any more; renew it or fix what it waived.`,
      }];
    }
    if (e.expires > latest) {
      return [{
        ...at, rule: "exceptions/too-long",
        message: `Exception for ${e.rule} (owner ${e.owner}) runs until ${e.expires}, more than ${maxDays} days from today (${today}): ` +
          `it waives nothing until its expiry is at most ${latest} (limits.exception_max_days).`,
      }];
    }
    return [];
  });
  const waived = findings.map((finding): Finding => {
    if (finding.source === "config" || finding.severity === "notice") return finding;
    const match = active.find(({ exception, inFiles }) =>
      exception.rule === finding.rule && (inFiles(finding.path) || (exception.object !== undefined && sameObject(exception.object, objectOf(finding)))),
    );
    if (!match) return finding;
    const { owner, expires, reason } = match.exception;
    return {
      ...finding,
      severity: "notice",
      message: `${finding.message} (waived until ${expires} by ${owner}: ${reason})`,
      waiver: { owner, expires, reason },
    };
  });
  return [...waived, ...problems];
}

function sameObject(wanted: KubernetesObject, actual: KubernetesObject | undefined): boolean {
  return (
    actual !== undefined &&
    wanted.kind === actual.kind &&
    wanted.name === actual.name &&
    (wanted.namespace === undefined || wanted.namespace === actual.namespace)
  );
}

/** YYYY-MM-DD plus n days, in UTC like the dates themselves. */
function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
