import { createMatcher } from "../config/check-globs.js";
import { loadConfig } from "../config/load-config.js";
import type { ControlPlane } from "../config/load-control-plane.js";
import { applyExceptions, type KubernetesObject } from "./apply-exceptions.js";
import { applyRuleOverrides } from "./apply-rule-overrides.js";
import type { ChangeSet, FileChange } from "./change-set.js";
import { classifyFindings } from "./classify-findings.js";
import { kubernetesObject } from "./document-identity.js";
import { mapConcurrent } from "./map-concurrent.js";
import { evaluateFile, type FileJudges } from "./evaluate-file.js";
import { compareFindings, fileStart, type Finding } from "./finding.js";
import { pairDocuments } from "./pair-documents.js";
import type { ParsedDocument } from "./parse/parsed-document.js";
import { defaultParseLimits } from "./parse/parse-limits.js";
import { evaluateChangeSetPolicies, type ChangeSetInput } from "./policy/change-set-policies.js";
import { PolicyRunner } from "./policy/policy-runner.js";
import { conclude, emptyDiff, summarize, titleOf, type Report } from "./report.js";
import { semanticDiff } from "./diff/semantic-diff.js";
import { sanitizeReport } from "./secrets/sanitize-report.js";
import { SecretSet } from "./secrets/secret-set.js";
import { createSensitivity } from "./secrets/sensitive-paths.js";

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
  const snippets: Report["snippets"] = {};
  if (!options.snapshot) findings.push(...headConfigFindings(changes.files, plane.configPath));

  const config = plane.config;
  const baseProblems = plane.findings.filter((f) => f.severity === "error");
  // A PR that only touches the control plane can repair a broken one; anything else waits for the repair.
  const repairOnly = changes.files.length > 0 && changedControlPlane.length === changes.files.length;
  findings.push(...plane.findings.map((f) => ({ ...f, status: f.severity === "error" && repairOnly ? "existing" as const : "new" as const })));

  let governedFiles = 0;
  let documents = 0;
  let diff = emptyDiff;
  const secrets = new SecretSet();
  if (config && baseProblems.length === 0) {
    const { policies } = plane;
    const runner = policies.modules.length > 0
      ? new PolicyRunner(policies.modules, { timeoutMs: config.limits.policyTimeoutMs, memoryMiB: config.limits.policyMemoryMiB })
      : undefined;
    try {
      const judges: FileJudges = {
        schemas: plane.schemas,
        documentPolicies: policies.document,
        ...(runner ? { runner } : {}),
        limits: { ...defaultParseLimits, maxFileBytes: config.limits.maxFileBytes },
        overrides: config.policies.rules,
      };
      const governed = createMatcher(config.files, config.ignore);
      const input: ChangeSetInput = { pull_request: pullRequestInput(changes, options), changes: [] };
      const heads = new Map<string, ParsedDocument[]>();
      const sources = new Map<string, { text: string; sensitive: Set<number> }>();
      const objects = new Map<string, KubernetesObject>();
      const fileFindings: Finding[] = [];
      const governedChanges = changes.files.filter((change) => governed(change.path) && change.path !== plane.configPath);
      governedFiles = governedChanges.length;
      const evaluated = await mapConcurrent(governedChanges, 4, async (change) => {
        const head = change.status !== "removed" && change.after ? await evaluateFile(change.path, change.after, judges) : undefined;
        // The base is judged only to tell new findings from existing ones: with none at the head, it
        // only needs parsing (for the preview and the change-set input).
        const base = change.before ? await evaluateFile(change.path, change.before, judges, (head?.findings.length ?? 0) > 0) : undefined;
        return { change, head, base };
      });
      const sensitivity = createSensitivity(config.preview.redact);
      for (const { change, head, base } of evaluated) {
        for (const doc of [...(base?.documents ?? []), ...(head?.documents ?? [])]) secrets.addDocument(change.path, doc.value, sensitivity);
      }
      if (!options.snapshot) diff = semanticDiff(
        evaluated.map(({ change, head, base }) => ({
          path: change.path,
          ...(change.previousPath ? { previousPath: change.previousPath } : {}),
          ...(base ? { before: base.documents } : {}),
          ...(head ? { after: head.documents } : {}),
        })),
        sensitivity,
      );
      for (const { change, head, base } of evaluated) {
        if (change.status !== "removed" && !change.after) {
          // A governed path whose head version cannot be read (a submodule, a vanished object) is never
          // a silent pass.
          fileFindings.push({ severity: "error", rule: "file/unreadable", source: "parse", status: "new", path: change.path, ...fileStart, message: "The head version of this file could not be read as a file: not validated." });
        }
        for (const pair of pairDocuments(base?.documents ?? [], head?.documents ?? [])) {
          if (pair.status === "unchanged") continue;
          const doc = (pair.after ?? pair.before)!;
          input.changes.push({ path: change.path, status: pair.status, index: doc.index, before: pair.before?.value ?? null, after: pair.after?.value ?? null });
        }
        if (!head) continue;
        documents += head.documents.length;
        heads.set(change.path, head.documents);
        for (const doc of head.documents) {
          const object = kubernetesObject(doc.value);
          if (object) objects.set(`${change.path}#${doc.index}`, object);
        }
        fileFindings.push(...classifyFindings(head, base));
        // No source lines from a redacted file, or from any file that holds a Secret: a document that did
        // not parse cannot be told apart reliably, and its lines may hold the values.
        if (change.after?.kind === "text" && !sensitivity.isRedacted(change.path) && !mentionsSecret(change.after.text)) {
          sources.set(change.path, { text: change.after.text, sensitive: head.sensitiveDocuments });
        }
      }
      if (runner && policies.changeSet.length > 0) {
        const changeFindings = await evaluateChangeSetPolicies(input, policies.changeSet, runner, (path, index, pointer, line) => {
          const doc = heads.get(path)?.find((d) => d.index === index);
          if (line !== undefined) return { line, column: 1, endLine: line, endColumn: 1 };
          return doc ? (pointer !== undefined ? doc.locate(pointer) : doc.span) : undefined;
        });
        fileFindings.push(...applyRuleOverrides(changeFindings, config.policies.rules).map((f) => ({ ...f, status: "new" as const })));
      }
      findings.push(...applyExceptions(fileFindings, plane.exceptions, options.today, (f) => objects.get(`${f.path}#${f.document}`)));
      Object.assign(snippets, snippetsOf(fileFindings, sources));
    } finally {
      await runner?.close();
    }
  }

  findings.sort(compareFindings);
  const failOn = config?.failOn ?? "new";
  const summary = summarize(findings, { changedFiles: changes.files.length, governedFiles, documents });
  const conclusion = conclude(findings, failOn);
  return sanitizeReport({
    conclusion,
    title: config || repairOnly ? titleOf(summary, conclusion) : "Gitgate config at the base is invalid",
    mode: options.snapshot ? "snapshot" : "change",
    base: changes.base,
    head: changes.head,
    failOn,
    summary,
    findings,
    snippets,
    diff,
    controlPlane: {
      configPath: plane.configPath,
      defaulted: plane.defaulted,
      digests: plane.digests,
      changed: changedControlPlane.map((f) => f.path),
    },
  }, secrets);
}

function pullRequestInput(changes: ChangeSet, options: EvaluateOptions): ChangeSetInput["pull_request"] {
  return { number: null, author: null, base: changes.base, head: changes.head, labels: [], draft: false, ...options.pullRequest };
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

/** The source line of each finding, for renderers; never from a Secret, whose lines hold its values. */
function snippetsOf(findings: readonly Finding[], sources: ReadonlyMap<string, { text: string; sensitive: Set<number> }>): Report["snippets"] {
  const snippets: Report["snippets"] = {};
  const lines = new Map<string, string[]>();
  for (const finding of findings) {
    const source = sources.get(finding.path);
    if (!source || (finding.document !== undefined && source.sensitive.has(finding.document))) continue;
    let fileLines = lines.get(finding.path);
    if (!fileLines) lines.set(finding.path, (fileLines = source.text.replace(/^\uFEFF/, "").split(/\r?\n/)));
    const line = fileLines[finding.line - 1];
    if (line !== undefined) (snippets[finding.path] ??= {})[finding.line] = line.length > 300 ? line.slice(0, 300) + "…" : line;
  }
  return snippets;
}

function mentionsSecret(text: string): boolean {
  return /\bkind["']?\s*:\s*["']?Secret\b/.test(text);
}
