import type { DraftFinding } from "../finding.js";
import { joinPointer } from "../parse/locate.js";
import type { ParsedDocument } from "../parse/parsed-document.js";
import { evaluatePackages } from "./evaluate-packages.js";
import type { PolicyRunner } from "./policy-runner.js";
import { policyFailure, resultToFinding } from "./policy-findings.js";
import type { PackagePolicy } from "./policy-types.js";

/**
 * Runs every per-document (conftest-style) package on every valid document of one file version. A list
 * is judged item by item, as kubectl applies it: judged whole, a privileged Pod inside a List met no
 * rule written for Pods. kubectl reads any object with `items` as a list (`v1 List`, `PodList`, or a
 * made-up kind), so the items of any manifest (apiVersion and kind) with an `items` list are judged.
 */
export async function evaluateDocumentPolicies(
  path: string,
  documents: readonly ParsedDocument[],
  policies: readonly PackagePolicy[],
  runner: PolicyRunner,
): Promise<DraftFinding[]> {
  const inputs = documents.filter((d) => d.valid).flatMap((doc) => objectsIn(doc.value, "").map((object) => ({ doc, ...object })));
  const outcomes = await evaluatePackages(runner, policies, inputs.map((input) => input.value));
  return inputs.flatMap(({ doc, base }, d) =>
    policies.flatMap((policy, p) => {
      const outcome = outcomes[d]![p]!;
      const at = { path, document: doc.index };
      // A finding without a pointer is shown where its object starts: the document, or the list's item.
      const start = base === "" ? doc.span : doc.locate(base, "key");
      if (!outcome.ok) return [policyFailure(policy.namespace, outcome, { ...at, ...start })];
      return resultToFinding(policy.namespace, outcome.value, (result) => ({
        ...at,
        ...(result.pointer !== undefined ? { pointer: base + result.pointer } : {}),
        ...(result.pointer !== undefined ? doc.locate(base + result.pointer) : start),
      }));
    }),
  );
}

/**
 * The objects a document may put in the cluster, with their pointers: itself, or a list's items (lists
 * in lists too). A kind not named `…List` with `items` is read both ways (kubectl applies its items;
 * kustomize, and so Argo CD and Flux, apply the object itself), so both are judged.
 */
function objectsIn(value: unknown, base: string): { value: unknown; base: string }[] {
  const list = value as { apiVersion?: unknown; kind?: unknown; items?: unknown } | null;
  const isList = list !== null && typeof list === "object" && typeof list.apiVersion === "string" && typeof list.kind === "string" && Array.isArray(list.items);
  if (!isList) return [{ value, base }];
  const items = (list.items as unknown[]).flatMap((item, i) => objectsIn(item, base + joinPointer(["items", i])));
  return (list.kind as string).endsWith("List") ? items : [{ value, base }, ...items];
}
