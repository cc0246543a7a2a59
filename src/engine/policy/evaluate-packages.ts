import type { EvaluationOutcome, PolicyRunner } from "./policy-runner.js";
import { entrypointOf, type PackagePolicy } from "./policy-types.js";

export type PackageOutcome = { ok: true; value: Record<string, unknown> } | Extract<EvaluationOutcome, { ok: false }>;

/**
 * Evaluates every rule of each package for each input in one batch, and reassembles per (input,
 * package) the package value conftest would read. The first failing rule fails that pair: a result
 * that could not be computed is never read as "no violations".
 */
export async function evaluatePackages(runner: PolicyRunner, policies: readonly PackagePolicy[], inputs: readonly unknown[]): Promise<PackageOutcome[][]> {
  const items = inputs.flatMap((input) =>
    policies.flatMap((policy) => policy.rules.map((rule) => ({ digest: policy.digest, entrypoint: entrypointOf(policy, rule), input }))),
  );
  const outcomes = items.length > 0 ? await runner.evaluate(items) : [];
  let next = 0;
  return inputs.map(() =>
    policies.map((policy): PackageOutcome => {
      const value: Record<string, unknown> = {};
      let failure: PackageOutcome | undefined;
      for (const rule of policy.rules) {
        const outcome = outcomes[next++]!;
        if (outcome.ok) value[rule] = outcome.result;
        else failure ??= { ...outcome, message: `rule ${rule}: ${outcome.message}` };
      }
      return failure ?? { ok: true, value };
    }),
  );
}
