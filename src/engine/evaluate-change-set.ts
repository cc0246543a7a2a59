import { createMatcher } from "../config/check-globs.js";
import { loadConfig } from "../config/load-config.js";
import { governedDiffDigest } from "./approvals/governed-diff-digest.js";
import type { ControlPlane } from "../config/load-control-plane.js";
import { headContent, type ChangeSet, type FileChange, type FileContent } from "./change-set.js";
import { createSensitivity } from "./secrets/sensitive-paths.js";
import { mapConcurrent } from "./map-concurrent.js";
import { compareFindings, fileStart, type Finding } from "./finding.js";
import { judgeChange, type FileLanes, type JudgedChange } from "./judge-change.js";
import { defaultParseLimits } from "./parse/parse-limits.js";
import { crdsInText, type CrdDocument } from "./schema/crd-registry.js";
import type { ChangeSetInput } from "./policy/change-set-policies.js";
import { conclude, emptyDiff, summarize, titleOf, type Report } from "./report.js";
import { sanitizeReport } from "./secrets/sanitize-report.js";
import { SecretSet } from "./secrets/secret-set.js";

export interface EvaluateOptions {
  /** Files as they are (the CLI's validate), not a change: no control-plane change to report. */
  snapshot?: boolean;
  /** Today as YYYY-MM-DD, for exception expiry: the engine has no clock of its own. */
  today: string;
  /** What change-set policies see of the pull request. */
  pullRequest?: Partial<ChangeSetInput["pull_request"]>;
}

/**
 * Judges a change set by the control plane of its base: parse, validate and run policies on the head
 * version of every governed file, compare with its base version to tell new problems from existing
 * ones, run the change-set policies, apply exceptions, conclude.
 */
export async function evaluateChangeSet(plane: ControlPlane, changes: ChangeSet, options: EvaluateOptions, openLanes?: OpenLanes): Promise<Report> {
  const changedControlPlane = options.snapshot
    ? []
    : changes.files.filter((f) => plane.isControlPlanePath(f.path) || (f.previousPath !== undefined && plane.isControlPlanePath(f.previousPath)));
  const findings: Finding[] = [...controlPlaneNotices(changedControlPlane, plane.configPath)];
  if (!options.snapshot) findings.push(...headConfigFindings(changes.files, plane.configPath));

  const config = plane.config;
  // A PR that only touches the control plane can repair a broken one; anything else fails until the repair.
  const repairOnly = changes.files.length > 0 && changedControlPlane.length === changes.files.length;
  findings.push(...plane.findings.map((f) => ({ ...f, status: f.severity === "error" && repairOnly ? "existing" as const : "new" as const })));

  // An invalid config can be trusted for nothing, so nothing is judged by it. A broken schema, policy
  // or exceptions file only takes itself out: its error fails the check, and every other file and rule
  // is still judged and reported, so one bad file at the base does not hide the rest of the change.
  let judged: JudgedChange | undefined;
  if (config && !plane.configInvalid) {
    const crds = await changeCrds(plane, changes, config.limits.maxFileBytes);
    judged = await judgeChange(withChangeCrds(plane, crds), config, changes, options, openLanes ? (headContext) => openLanes({ crds, headContext }) : undefined);
  }
  if (judged) findings.push(...judged.findings);

  findings.sort(compareFindings);
  const failOn = config?.failOn ?? "new";
  const summary = summarize(findings, { changedFiles: changes.files.length, governedFiles: judged?.governedFiles ?? 0, documents: judged?.documents ?? 0 });
  const conclusion = conclude(findings, failOn);
  const digest = options.snapshot ? undefined : governedDiffDigest(changes, approvalScope(plane));
  return sanitizeReport({
    conclusion,
    title: config || repairOnly ? titleOf(summary, conclusion) : "Gitgate config at the base is invalid",
    mode: options.snapshot ? "snapshot" : "change",
    base: changes.base,
    head: changes.head,
    failOn,
    summary,
    findings,
    snippets: judged?.snippets ?? {},
    diff: judged?.diff ?? emptyDiff,
    ...(judged?.rendered ? { rendered: judged.rendered } : {}),
    controlPlane: {
      configPath: plane.configPath,
      defaulted: plane.defaulted,
      digests: plane.digests,
      changed: changedControlPlane.map((f) => f.path),
      ...(config ? { exceptionsPath: config.exceptions } : {}),
      ...(options.snapshot ? {} : { diffs: await controlPlaneDiffs(changedControlPlane, changes, config?.preview.redact ?? []) }),
    },
    ...(digest !== undefined ? { governedDiffDigest: digest } : {}),
  }, judged?.secrets ?? new SecretSet());
}

/**
 * What other threads judging files of this change need to judge them as this one does: the CRDs of the
 * change (changeCrds) and the head files that decide how others are read (see judgeChange).
 */
export interface LaneContext {
  crds: ChangeCrds | undefined;
  headContext: [string, FileContent | undefined][];
}

export type OpenLanes = (context: LaneContext) => FileLanes | undefined;

/** The CRDs of a change's own files: base versions whole, head versions by their names only. */
export interface ChangeCrds {
  base: CrdDocument[];
  head: CrdDocument[];
}

/**
 * The CRDs in the base versions of the change's own files join the control plane's: they are base
 * content, so the base still decides the rules, and a change to a custom resource next to its CRD is
 * validated without a `crds:` entry. CRDs the change adds or edits only apply after merge; a custom
 * resource whose only CRD is new says so. Only files that mention the kind are parsed for this.
 * Undefined when the plane has no custom resources to look up, or the change has no CRD.
 */
async function changeCrds(plane: ControlPlane, changes: ChangeSet, maxFileBytes: number): Promise<ChangeCrds | undefined> {
  if (!plane.schemas.some((s) => s.kind === "kubernetes" && s.customResources)) return undefined;
  const limits = { ...defaultParseLimits, maxFileBytes };
  const crdsOf = (path: string, content: FileContent | undefined) => (content?.kind === "text" ? crdsInText(path, content.text, limits) : []);
  const base = changes.files.flatMap((f) => crdsOf(f.previousPath ?? f.path, f.before));
  // A deferred head is read for this and let go. A head CRD only says which kinds are pending, so only
  // its names are kept, not its schemas: a repository full of CRDs is not held in memory at once.
  const heads = await mapConcurrent(changes.files.filter((f) => f.status !== "removed"), 16, async (f) => crdsOf(f.path, await headContent(changes, f)).map(crdNames));
  const head = heads.flat();
  return base.length === 0 && head.length === 0 ? undefined : { base, head };
}

/** The plane with the change's CRDs (see changeCrds). */
export function withChangeCrds(plane: ControlPlane, crds: ChangeCrds | undefined): ControlPlane {
  if (!crds) return plane;
  return {
    ...plane,
    schemas: plane.schemas.map((s) => (s.kind === "kubernetes" && s.customResources ? { ...s, customResources: s.customResources.withCrds(crds.base, crds.head) } : s)),
  };
}

/**
 * A CRD reduced to what tells that its kinds are pending (see addCrd): its name, group, kind and the
 * versions it serves. Copied: a value read from a file can be a slice that keeps the whole file's text
 * alive, and a repository's CRD files are large.
 */
function crdNames(doc: CrdDocument): CrdDocument {
  const value = doc.value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown }; spec?: { group?: unknown; names?: { kind?: unknown }; versions?: unknown } };
  const versions = Array.isArray(value.spec?.versions)
    ? (value.spec.versions as unknown[]).map((v) => (v !== null && typeof v === "object" ? { name: (v as { name?: unknown }).name, served: (v as { served?: unknown }).served } : v))
    : value.spec?.versions;
  return structuredClone({
    path: doc.path,
    value: {
      apiVersion: value.apiVersion,
      kind: value.kind,
      metadata: { name: value.metadata?.name },
      spec: { group: value.spec?.group, names: { kind: value.spec?.names?.kind }, versions },
    },
  });
}

/** The lines of each changed control-plane file, so the preview shows a change to the rules first. */
async function controlPlaneDiffs(changed: readonly FileChange[], changes: ChangeSet, redact: readonly string[]) {
  const { isRedacted } = createSensitivity(redact);
  // The line-diff library is loaded only for a change that touches the control plane.
  const { controlPlaneFileDiff } = await import("./diff/control-plane-diff.js");
  return mapConcurrent(changed, 4, async (f) => {
    const after = f.status === "removed" ? undefined : await headContent(changes, f);
    return controlPlaneFileDiff({ ...f, after }, isRedacted(f.path) || (f.previousPath !== undefined && isRedacted(f.previousPath)));
  });
}

function controlPlaneNotices(changed: readonly FileChange[], configPath: string): Finding[] {
  return changed.map((f) => ({
    severity: "notice", rule: "config/control-plane-change", source: "config", status: "new", path: f.path, ...fileStart,
    message: `This change edits the control plane (${f.path === configPath ? "Gitgate config" : "a file the config uses"}). ` +
      "It takes effect after merge: this PR is judged by the base version.",
  }));
}

/** A PR that changes the config gets told if the config it proposes is broken, before it is merged. */
function headConfigFindings(files: readonly FileChange[], configPath: string): Finding[] {
  const change = files.find((f) => f.path === configPath && f.status !== "removed");
  if (!change?.after || change.after.kind !== "text") return [];
  const loaded = loadConfig(change.after.text, configPath);
  return [...loaded.errors, ...loaded.warnings].map((f) => ({ ...f, status: "new" }));
}


/**
 * The files approvals are about: governed files and the control plane; every file when the config at
 * the base is invalid (nothing says what is governed then, so nothing may slip past a reviewer).
 */
export function approvalScope(plane: ControlPlane): (path: string) => boolean {
  const config = plane.findings.some((f) => f.severity === "error") ? undefined : plane.config;
  if (!config) return () => true;
  const governed = createMatcher(config.files, config.ignore);
  return (path) => governed(path) || plane.isControlPlanePath(path);
}
