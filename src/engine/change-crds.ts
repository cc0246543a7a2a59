import type { ControlPlane } from "../config/load-control-plane.js";
import { headContent, type ChangeSet } from "./change-set.js";
import type { ReadChange, StreamedFile } from "./judge-change.js";
import { judgingDone, judgingNow } from "./judging-now.js";
import { forEachInOrder } from "./map-concurrent.js";
import type { ParseLimits } from "./parse/parse-limits.js";
import { crdNames, crdsInText, mayHoldCrds, type CrdDocument } from "./schema/crd-registry.js";

/** The CRDs of a change's own files: base versions whole, head versions by their names only. */
export interface ChangeCrds {
  base: CrdDocument[];
  head: CrdDocument[];
  /** The head is a snapshot (the CLI's validate): its CRDs are the repository's own, not added by a change. */
  snapshot?: true;
}

/**
 * What the look for CRDs in one head file found: its CRDs by name, and, when judging the file needs no
 * CRD of the change, its outcome, so that the file is read and parsed once rather than once for its
 * CRDs and once to be judged.
 */
export interface ScannedFile {
  crds: CrdDocument[];
  judged?: StreamedFile;
}

/** Looks at one head file (a stream's); undefined leaves it to the plain reading (crdsInText). */
export type ScanFile = (change: ReadChange) => Promise<ScannedFile> | undefined;

/**
 * The CRDs in the base versions of the change's own files join the control plane's: they are base
 * content, so the base still decides the rules, and a change to a custom resource next to its CRD is
 * validated without a `crds:` entry. CRDs the change adds or edits only apply after merge; a custom
 * resource whose only CRD is new says so. Without `scan`, only files that mention the kind are parsed
 * for this.
 * `crds` is undefined when the plane has no custom resources to look up, or the change has no CRD.
 * `scan` is asked about head files only when no base version holds a CRD: only then is a built-in
 * kind judged alike with and without the change's CRDs (see CustomResourceSchemas.lookup).
 */
export async function changeCrds(plane: ControlPlane, changes: ChangeSet, limits: ParseLimits, scan?: ScanFile, takeJudged?: (judged: StreamedFile) => void): Promise<ChangeCrds | undefined> {
  if (!plane.schemas.some((s) => s.kind === "kubernetes" && s.customResources)) return undefined;
  const base = changes.files.flatMap((f) => {
    if (f.before?.kind !== "text") return [];
    judgingNow(f.path);
    const crds = crdsInText(f.previousPath ?? f.path, f.before.text, limits);
    judgingDone(f.path);
    return crds;
  });
  const scanHead = base.length === 0 ? scan : undefined;
  // A deferred head is read for this and let go. A head CRD only says which kinds are pending, so only
  // its names are kept, not its schemas: a repository full of CRDs is not held in memory at once.
  // A file `scan` takes is judged in the same go where it can be (most of a stream): read once, not
  // once here and again to be judged. Its outcome goes to `takeJudged` in the order of the change, as
  // soon as the files before it are done: only the files in flight are held, never the whole stream.
  const head: CrdDocument[] = [];
  await forEachInOrder(changes.files.filter((f) => f.status !== "removed"), 16, async (f): Promise<ScannedFile | undefined> => {
    const after = await headContent(changes, f);
    if (after?.kind !== "text") return undefined;
    const { after: _listed, ...rest } = f;
    const scanned = await scanHead?.({ ...rest, after });
    if (scanned) return scanned;
    judgingNow(f.path);
    const crds = mayHoldCrds(after.text) ? crdsInText(f.path, after.text, limits).map(crdNames) : [];
    judgingDone(f.path);
    return { crds };
  }, (scanned) => {
    if (!scanned) return;
    head.push(...scanned.crds);
    if (scanned.judged) takeJudged?.(scanned.judged);
  });
  return base.length === 0 && head.length === 0 ? undefined : { base, head };
}

/** The plane with the change's CRDs (see changeCrds). */
export function withChangeCrds(plane: ControlPlane, crds: ChangeCrds | undefined): ControlPlane {
  if (!crds) return plane;
  return {
    ...plane,
    schemas: plane.schemas.map((s) => (s.kind === "kubernetes" && s.customResources ? { ...s, customResources: s.customResources.withCrds(crds.base, crds.head, crds.snapshot) } : s)),
  };
}
