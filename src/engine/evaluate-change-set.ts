import { createMatcher } from "../config/check-globs.js";
import { loadConfig } from "../config/load-config.js";
import { governedDiffDigest } from "./approvals/governed-diff-digest.js";
import type { ControlPlane } from "../config/load-control-plane.js";
import { headContent, type ChangeSet, type FileChange } from "./change-set.js";
import type { GitopsFacts } from "./gitops-files.js";
import { createSensitivity } from "./secrets/sensitive-paths.js";
import { untracedHelmValues } from "./secrets/helm-values-files.js";
import { mapConcurrent } from "./map-concurrent.js";
import { compareFindings, fileStart, type Finding } from "./finding.js";
import { judgeChange, type FileLanes, type JudgedChange } from "./judge-change.js";
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
    judged = await judgeChange(plane, config, changes, options, openLanes ? (gitops) => openLanes({ gitops }) : undefined);
  }
  if (judged) findings.push(...judged.findings);

  findings.sort(compareFindings);
  const failOn = config?.failOn ?? "new";
  const summary = summarize(findings, { changedFiles: changes.files.length, governedFiles: judged?.governedFiles ?? 0, documents: judged?.documents ?? 0 });
  const conclusion = conclude(findings, failOn);
  const digest = options.snapshot ? undefined : governedDiffDigest(changes, approvalScope(plane));
  const secrets = judged?.secrets ?? new SecretSet();
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
      ...(options.snapshot ? {} : { diffs: await controlPlaneDiffs(changedControlPlane, changes, config?.preview.redact ?? [], judged?.alsoRedacted ?? untracedHelmValues(changes, []), secrets) }),
    },
    ...(digest !== undefined ? { governedDiffDigest: digest } : {}),
  }, secrets, (paths) => listedAmong(paths, changes, plane));
}

/** Which of `paths` the change or the control plane lists: one pass over the change's files. */
function listedAmong(paths: ReadonlySet<string>, changes: ChangeSet, plane: ControlPlane): Set<string> {
  const listed = new Set<string>();
  const look = (path: string | undefined) => {
    if (path !== undefined && paths.has(path)) listed.add(path);
  };
  look(plane.configPath);
  for (const path in plane.digests) look(path);
  for (const f of changes.files) {
    look(f.path);
    look(f.previousPath);
  }
  return listed;
}

/** What other threads judging files of this change need to judge them as this one does (see judgeChange). */
export interface LaneContext {
  gitops: GitopsFacts;
}

export type OpenLanes = (context: LaneContext) => FileLanes | undefined;

/** The lines of each changed control-plane file, so the preview shows a change to the rules first. */
async function controlPlaneDiffs(changed: readonly FileChange[], changes: ChangeSet, redact: readonly string[], alsoRedacted: (path: string) => boolean, secrets: SecretSet) {
  const sensitivity = createSensitivity(redact, alsoRedacted);
  const { isRedacted } = sensitivity;
  // The line-diff library is loaded only for a change that touches the control plane.
  const { controlPlaneFileDiff } = await import("./diff/control-plane-diff.js");
  return mapConcurrent(changed, 4, async (f) => {
    const after = f.status === "removed" ? undefined : await headContent(changes, f);
    // A control-plane file may be ignored, or fail to parse, and so add no secret while the change is
    // judged: its own are collected here, before the report is scrubbed.
    return controlPlaneFileDiff({ ...f, after }, isRedacted(f.path) || (f.previousPath !== undefined && isRedacted(f.previousPath)), (path, value) => secrets.addDocument(path, value, sensitivity));
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
 * The files approvals are about: governed files, the control plane, and every file an approval rule's
 * `files` names, governed or not (an `.env` a kustomization reads under `clusters/production/**` changes
 * production as much as its YAML does); every file when the config at the base is invalid (nothing says
 * what is governed then, so nothing may slip past a reviewer). A broken schema, policy or exceptions
 * file leaves the config, and so what it governs, as it says.
 */
export function approvalScope(plane: ControlPlane): (path: string) => boolean {
  const config = plane.configInvalid ? undefined : plane.config;
  if (!config) return () => true;
  const governed = createMatcher(config.files, config.ignore);
  const named = createMatcher(config.approvals.rules.flatMap((rule) => rule.files ?? []));
  return (path) => governed(path) || named(path) || plane.isControlPlanePath(path);
}
