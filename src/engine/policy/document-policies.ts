import type { DraftFinding } from "../finding.js";
import type { ParsedDocument } from "../parse/parsed-document.js";
import { evaluatePackages } from "./evaluate-packages.js";
import type { PolicyRunner } from "./policy-runner.js";
import { policyFailure, resultToFinding } from "./policy-findings.js";
import type { PackagePolicy } from "./policy-types.js";

/** Runs every per-document (conftest-style) package on every valid document of one file version. */
export async function evaluateDocumentPolicies(
  path: string,
  documents: readonly ParsedDocument[],
  policies: readonly PackagePolicy[],
  runner: PolicyRunner,
): Promise<DraftFinding[]> {
  const valid = documents.filter((d) => d.valid);
  const outcomes = await evaluatePackages(runner, policies, valid.map((d) => d.value));
  return valid.flatMap((doc, d) =>
    policies.flatMap((policy, p) => {
      const outcome = outcomes[d]![p]!;
      const at = { path, document: doc.index };
      if (!outcome.ok) return [policyFailure(policy.namespace, outcome, { ...at, ...doc.span })];
      return resultToFinding(policy.namespace, outcome.value, (result) => ({
        ...at,
        ...(result.pointer !== undefined ? { pointer: result.pointer } : {}),
        ...(result.pointer !== undefined ? doc.locate(result.pointer) : doc.span),
      }));
    }),
  );
}
