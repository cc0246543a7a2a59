import type { ChangeSet, FileContent } from "../change-set.js";
import { gitopsFacts, isContextFile, patchesSecrets, type GitopsFacts } from "../gitops-files.js";
import { untracedHelmValues } from "./helm-values-files.js";

/**
 * The files whose values are secret whole besides those `preview.redact` names: Helm values files no
 * render traced (see untracedHelmValues), and Kustomize patches whose target may be a Secret (see
 * KustomizePatch.mayPatchSecrets), whose values nothing else knows as a Secret's when nothing renders.
 */
export function alsoRedacted(changes: Pick<ChangeSet, "files" | "rendered"> | undefined, facts: Pick<GitopsFacts, "charts" | "patches">): (path: string) => boolean {
  const untraced = untracedHelmValues(changes, facts.charts);
  const secretPatch = patchesSecrets(facts);
  // The facts are the head's: a kustomization the change removes, or retargets away from Secrets, still
  // said at the base that its patches' values were a Secret's, and their base versions are shown too.
  const atBase = patchesSecrets(gitopsFacts((changes?.files ?? []).flatMap((f) => (f.before && isContextFile(f.previousPath ?? f.path) ? [[f.previousPath ?? f.path, f.before] as [string, FileContent]] : []))));
  return (path) => untraced(path) || secretPatch(path) || atBase(path);
}
