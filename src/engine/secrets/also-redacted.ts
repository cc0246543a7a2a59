import type { ChangeSet } from "../change-set.js";
import { patchesSecrets, type GitopsFacts } from "../gitops-files.js";
import { untracedHelmValues } from "./helm-values-files.js";

/**
 * The files whose values are secret whole besides those `preview.redact` names: Helm values files no
 * render traced (see untracedHelmValues), and Kustomize patches whose target may be a Secret (see
 * KustomizePatch.mayPatchSecrets), whose values nothing else knows as a Secret's when nothing renders.
 */
export function alsoRedacted(changes: Pick<ChangeSet, "files" | "rendered"> | undefined, facts: Pick<GitopsFacts, "charts" | "patches">): (path: string) => boolean {
  const untraced = untracedHelmValues(changes, facts.charts);
  const secretPatch = patchesSecrets(facts);
  return (path) => untraced(path) || secretPatch(path);
}
