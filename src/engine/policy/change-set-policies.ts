import type { DraftFinding, Span } from "../finding.js";
import type { PolicyRunner } from "./policy-runner.js";
import { policyFailure, resultToFinding } from "./policy-findings.js";
import { evaluatePackages } from "./evaluate-packages.js";
import type { PackagePolicy } from "./policy-types.js";

/** What a change-set policy (package `gitgate`) sees as `input`. */
export interface ChangeSetInput {
  pull_request: { number: number | null; author: string | null; base: string; head: string; labels: string[]; draft: boolean };
  changes: { path: string; status: "added" | "modified" | "removed"; index: number; before: unknown; after: unknown }[];
}

/**
 * The longest path that is no file of the change a message repeats. A longer one is not repeated at
 * all, never cut: a value scrubbed only where it appears whole (see SecretGroup) would pass cut.
 */
const maxNamedPath = 200;

/** Places a result: the head document `index` of `path` at `pointer`, or `line`; undefined if not in the change. */
export type LocateInChange = (path: string, index: number, pointer: string | undefined, line: number | undefined) => Span | undefined;

/**
 * Runs the `gitgate` packages once on the whole change. Results without a path are about the change
 * as a whole: their path is "" and they are shown in summaries, not as line annotations. So are results
 * naming a path that is no file of the change, with that path in their message: a finding's path is
 * always one Gitgate listed (reports show paths as they are, see sanitizeReport), never a string a
 * policy may have built from input.
 */
export async function evaluateChangeSetPolicies(input: ChangeSetInput, policies: readonly PackagePolicy[], runner: PolicyRunner, locate: LocateInChange): Promise<DraftFinding[]> {
  if (policies.length === 0) return [];
  const [outcomes] = await evaluatePackages(runner, policies, [input]);
  const whole = { path: "", line: 1, column: 1, endLine: 1, endColumn: 1 };
  const inChange = new Set(input.changes.map((c) => c.path));
  return policies.flatMap((policy, i) => {
    const outcome = outcomes![i]!;
    if (!outcome.ok) return [policyFailure(policy.namespace, outcome, whole)];
    return resultToFinding(policy.namespace, outcome.value, (result) => {
      if (result.path === undefined) return whole;
      if (!inChange.has(result.path)) {
        const named = result.path.length > maxNamedPath ? `a path of ${result.path.length} characters` : JSON.stringify(result.path);
        return { ...whole, note: ` (the policy named ${named}, which is no file of this change)` };
      }
      const index = result.index ?? 0;
      const span = locate(result.path, index, result.pointer, result.line) ?? { line: result.line ?? 1, column: 1, endLine: result.line ?? 1, endColumn: 1 };
      return { path: result.path, document: index, ...(result.pointer !== undefined ? { pointer: result.pointer } : {}), ...span };
    });
  });
}
