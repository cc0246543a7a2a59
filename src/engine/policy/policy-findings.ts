import type { DraftFinding, Span } from "../finding.js";
import type { EvaluationOutcome } from "./policy-runner.js";
import { readPackageResults, type PolicyResult } from "./policy-results.js";

/** Where a result lands; `note` is added to its message (why it does not land where the policy said). */
type Location = Span & { path: string; document?: number; pointer?: string; note?: string };

/** Turns a package's value into findings placed by `locate`; waived results stay visible as notices. */
export function resultToFinding(namespace: string, value: unknown, locate: (result: PolicyResult) => Location): DraftFinding[] {
  return readPackageResults(namespace, value).map((result) => {
    const { note, ...at } = locate(result);
    const message = result.message + (note ?? "");
    return {
      severity: result.excepted ? "notice" : result.severity,
      rule: result.rule,
      message: result.excepted ? `${message} (waived by the policy's exception rule)` : message,
      source: "policy",
      ...at,
    };
  });
}

/**
 * A policy that could not be evaluated is an error, never a pass: always `new`, so that a base that
 * failed the same way cannot excuse it under `fail_on: new`.
 */
export function policyFailure(namespace: string, outcome: Extract<EvaluationOutcome, { ok: false }>, at: Location): DraftFinding {
  return {
    status: "new",
    severity: "error",
    rule: `policy/${outcome.reason}`,
    message: `Policy ${namespace} could not be evaluated: ${outcome.message}.`,
    source: "policy",
    ...at,
  };
}
