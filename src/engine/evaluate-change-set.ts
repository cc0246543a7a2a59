import { createMatcher } from "../config/check-globs.js";
import { loadConfig } from "../config/load-config.js";
import { governedDiffDigest } from "./approvals/governed-diff-digest.js";
import type { ControlPlane } from "../config/load-control-plane.js";
import type { ChangeSet, FileChange } from "./change-set.js";
import { compareFindings, fileStart, type Finding } from "./finding.js";
import { judgeChange } from "./judge-change.js";
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
export async function evaluateChangeSet(plane: ControlPlane, changes: ChangeSet, options: EvaluateOptions): Promise<Report> {
  const changedControlPlane = options.snapshot
    ? []
    : changes.files.filter((f) => plane.isControlPlanePath(f.path) || (f.previousPath !== undefined && plane.isControlPlanePath(f.previousPath)));
  const findings: Finding[] = [...controlPlaneNotices(changedControlPlane, plane.configPath)];
  if (!options.snapshot) findings.push(...headConfigFindings(changes.files, plane.configPath));

  const config = plane.config;
  const baseProblems = plane.findings.filter((f) => f.severity === "error");
  // A PR that only touches the control plane can repair a broken one; anything else waits for the repair.
  const repairOnly = changes.files.length > 0 && changedControlPlane.length === changes.files.length;
  findings.push(...plane.findings.map((f) => ({ ...f, status: f.severity === "error" && repairOnly ? "existing" as const : "new" as const })));

  // The control plane must be sound before anything is judged by it.
  const judged = config && baseProblems.length === 0 ? await judgeChange(plane, config, changes, options) : undefined;
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
    controlPlane: {
      configPath: plane.configPath,
      defaulted: plane.defaulted,
      digests: plane.digests,
      changed: changedControlPlane.map((f) => f.path),
    },
    ...(digest !== undefined ? { governedDiffDigest: digest } : {}),
  }, judged?.secrets ?? new SecretSet());
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
