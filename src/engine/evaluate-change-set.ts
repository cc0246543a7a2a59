import { createMatcher } from "../config/check-globs.js";
import { loadConfig } from "../config/load-config.js";
import type { ControlPlane } from "../config/load-control-plane.js";
import type { ChangeSet, FileChange } from "./change-set.js";
import { classifyFindings } from "./classify-findings.js";
import { evaluateFile, type EvaluatedFile } from "./evaluate-file.js";
import { compareFindings, fileStart, type Finding } from "./finding.js";
import { defaultParseLimits } from "./parse/parse-limits.js";
import { conclude, summarize, titleOf, type Report } from "./report.js";

export interface EvaluateOptions {
  /** Files as they are (the CLI's validate), not a change: no control-plane change to report. */
  snapshot?: boolean;
}

/**
 * Judges a change set by the control plane of its base: parse and validate the head version of every
 * governed file, compare with its base version to tell new problems from existing ones, conclude.
 */
export async function evaluateChangeSet(plane: ControlPlane, changes: ChangeSet, options: EvaluateOptions = {}): Promise<Report> {
  const changedControlPlane = options.snapshot
    ? []
    : changes.files.filter((f) => plane.isControlPlanePath(f.path) || (f.previousPath !== undefined && plane.isControlPlanePath(f.previousPath)));
  const findings: Finding[] = [];
  const snippets: Report["snippets"] = {};
  findings.push(...controlPlaneNotices(changedControlPlane, plane.configPath));
  if (!options.snapshot) findings.push(...headConfigFindings(changes.files, plane.configPath));

  const config = plane.config;
  const baseProblems = plane.findings.filter((f) => f.severity === "error");
  // A PR that only touches the control plane can repair a broken one; anything else waits for the repair.
  const repairOnly = changes.files.length > 0 && changedControlPlane.length === changes.files.length;
  findings.push(...plane.findings.map((f) => ({ ...f, status: f.severity === "error" && repairOnly ? "existing" as const : "new" as const })));

  let governedFiles = 0;
  let documents = 0;
  if (config && baseProblems.length === 0) {
    const governed = createMatcher(config.files, config.ignore);
    const limits = { ...defaultParseLimits, maxFileBytes: config.limits.maxFileBytes };
    for (const change of changes.files) {
      if (!governed(change.path) || change.path === plane.configPath || change.status === "removed" || !change.after) continue;
      governedFiles++;
      const head = await evaluateFile(change.path, change.after, plane.schemas, limits);
      const base = change.before ? await evaluateFile(change.path, change.before, plane.schemas, limits) : undefined;
      documents += head.documents.length;
      const classified = classifyFindings(head, base);
      findings.push(...classified);
      addSnippets(snippets, change, head, classified);
    }
    governedFiles += changes.files.filter((c) => c.status === "removed" && governed(c.path)).length;
  }

  findings.sort(compareFindings);
  const failOn = config?.failOn ?? "new";
  const summary = summarize(findings, { changedFiles: changes.files.length, governedFiles, documents });
  const conclusion = conclude(findings, failOn);
  return {
    conclusion,
    title: config || repairOnly ? titleOf(summary, conclusion) : "Gitgate config at the base is invalid",
    base: changes.base,
    head: changes.head,
    failOn,
    summary,
    findings,
    snippets,
    controlPlane: {
      configPath: plane.configPath,
      defaulted: plane.defaulted,
      digests: plane.digests,
      changed: changedControlPlane.map((f) => f.path),
    },
  };
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

function addSnippets(snippets: Report["snippets"], change: FileChange, head: EvaluatedFile, findings: readonly Finding[]): void {
  if (change.after?.kind !== "text" || findings.length === 0) return;
  const lines = change.after.text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const forFile = (snippets[change.path] ??= {});
  for (const finding of findings) {
    if (finding.document !== undefined && head.sensitiveDocuments.has(finding.document)) continue;
    const line = lines[finding.line - 1];
    if (line !== undefined) forFile[finding.line] = line.length > 300 ? line.slice(0, 300) + "…" : line;
  }
}
