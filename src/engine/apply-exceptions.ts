import { createMatcher } from "../config/check-globs.js";
import type { PolicyException } from "../config/load-exceptions.js";
import type { Finding } from "./finding.js";

export interface KubernetesObject {
  kind: string;
  namespace?: string;
  name: string;
}

/**
 * Applies the exceptions file: each active exception waives the findings of its rule in the files or
 * the object it names, and nothing else. Waived findings stay visible as notices with owner and expiry.
 * An expired exception waives nothing and is itself an error, so someone renews it or fixes the cause.
 */
export function applyExceptions(
  findings: readonly Finding[],
  exceptions: readonly PolicyException[],
  today: string,
  objectOf: (finding: Finding) => KubernetesObject | undefined,
): Finding[] {
  const active = exceptions.filter((e) => e.expires >= today).map((e) => ({ exception: e, inFiles: e.files ? createMatcher(e.files) : () => false }));
  const expired: Finding[] = exceptions
    .filter((e) => e.expires < today)
    .map((e) => ({
      severity: "error", rule: "exceptions/expired", source: "config", status: "new", path: e.path, ...e.expiresAt,
      message: `Exception for ${e.rule} (owner ${e.owner}) expired on ${e.expires}: renew it or fix what it waived.`,
    }));
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
  return [...waived, ...expired];
}

function sameObject(wanted: KubernetesObject, actual: KubernetesObject | undefined): boolean {
  return (
    actual !== undefined &&
    wanted.kind === actual.kind &&
    wanted.name === actual.name &&
    (wanted.namespace === undefined || wanted.namespace === actual.namespace)
  );
}
