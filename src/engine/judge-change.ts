import { createMatcher } from "../config/check-globs.js";
import { createLinkMatcher } from "../config/link-globs.js";
import type { GitgateConfig } from "../config/config-types.js";
import type { ControlPlane } from "../config/load-control-plane.js";
import { applyExceptions, type KubernetesObject } from "./apply-exceptions.js";
import { applyRuleOverrides } from "./apply-rule-overrides.js";
import { isLinkEntry, type ChangeSet, type FileChange, type FileContent } from "./change-set.js";
import { classifyFindings } from "./classify-findings.js";
import type { SemanticDiff } from "./diff/diff-types.js";
import { semanticDiff } from "./diff/semantic-diff.js";
import { isKind, kubernetesObject } from "./document-identity.js";
import type { EvaluateOptions } from "./evaluate-change-set.js";
import { evaluateFile, type EvaluatedFile, type FileJudges } from "./evaluate-file.js";
import { fileStart, type Finding } from "./finding.js";
import { gitopsContext } from "./gitops-files.js";
import { mapConcurrent } from "./map-concurrent.js";
import { pairDocuments } from "./pair-documents.js";
import { defaultParseLimits } from "./parse/parse-limits.js";
import type { ParsedDocument } from "./parse/parsed-document.js";
import { evaluateChangeSetPolicies, type ChangeSetInput } from "./policy/change-set-policies.js";
import { PolicyRunner } from "./policy/policy-runner.js";
import { emptyDiff, type Report } from "./report.js";
import { SecretSet } from "./secrets/secret-set.js";
import { createSensitivity, type Sensitivity } from "./secrets/sensitive-paths.js";
import { nodes } from "./value-tree.js";
import { yamlReadingOf } from "./yaml-reading.js";

export interface JudgedChange {
  findings: Finding[];
  snippets: Report["snippets"];
  diff: SemanticDiff;
  secrets: SecretSet;
  governedFiles: number;
  documents: number;
}

interface EvaluatedChange {
  change: FileChange;
  head?: EvaluatedFile;
  base?: EvaluatedFile;
}

/**
 * Judges the governed files of a change by a sound control plane:
 * 1. parse, validate and run the per-document policies on every governed file (base only as needed),
 * 2. collect the change's secrets and build the preview,
 * 3. tell new findings from existing ones, 4. run the change-set policies, 5. apply exceptions.
 */
export async function judgeChange(plane: ControlPlane, config: GitgateConfig, changes: ChangeSet, options: EvaluateOptions): Promise<JudgedChange> {
  const { policies } = plane;
  const runner = policies.modules.length > 0 ? new PolicyRunner(policies.modules, { timeoutMs: config.limits.policyTimeoutMs, memoryMiB: config.limits.policyMemoryMiB }) : undefined;
  try {
    const judges: FileJudges = {
      schemas: plane.schemas,
      documentPolicies: policies.document,
      ...(runner ? { runner } : {}),
      limits: { ...defaultParseLimits, maxFileBytes: config.limits.maxFileBytes },
      overrides: config.policies.rules,
      yamlReading: yamlReadingOf(config),
    };
    const gitops = gitopsContext(headFiles(changes));
    judges.patchOf = gitops.patchOf;
    const governed = createMatcher(config.files, config.ignore);
    // A symlink or submodule is judged where it could stand for governed files, or for the control plane.
    const governedLink = createLinkMatcher(config.files, config.ignore);
    const isJudged = (change: FileChange) => isLinkEntry(change.after)
      ? governedLink(change.path) || plane.isControlPlanePath(change.path)
      : governed(change.path) && change.path !== plane.configPath;
    const governedChanges = changes.files.filter(isJudged);
    // Helm renders its templates: they are not YAML until then, so they are named, never parsed.
    const isTemplate = (change: FileChange) => change.after?.kind === "text" && gitops.isHelmTemplate(change.path);
    const evaluated = await evaluateFiles(governedChanges.filter((change) => !isTemplate(change)), judges);

    const sensitivity = createSensitivity(config.preview.redact);
    const secrets = new SecretSet();
    for (const { change, head, base } of evaluated) {
      for (const doc of [...(base?.documents ?? []), ...(head?.documents ?? [])]) secrets.addDocument(change.path, doc.value, sensitivity);
    }
    const diff = options.snapshot ? emptyDiff : previewOf(evaluated, sensitivity);

    const findings = [...evaluated.flatMap(fileFindings), ...governedChanges.filter(isTemplate).map(helmTemplateNotice)];
    if (runner && policies.changeSet.length > 0) {
      const input: ChangeSetInput = { pull_request: pullRequestInput(changes, options), changes: evaluated.flatMap(changedDocuments) };
      const changeFindings = await evaluateChangeSetPolicies(input, policies.changeSet, runner, (path, index, pointer, line) => {
        if (line !== undefined) return { line, column: 1, endLine: line, endColumn: 1 };
        const doc = evaluated.find((e) => e.change.path === path)?.head?.documents.find((d) => d.index === index);
        return doc ? (pointer !== undefined ? doc.locate(pointer) : doc.span) : undefined;
      });
      findings.push(...applyRuleOverrides(changeFindings, config.policies.rules).map((f) => ({ ...f, status: "new" as const })));
    }
    const objects = objectsOf(evaluated);
    return {
      findings: applyExceptions(findings, plane.exceptions, { today: options.today, maxDays: config.limits.exceptionMaxDays }, (f) => objects.get(`${f.path}#${f.document}`)),
      snippets: snippetsOf(findings, evaluated, sensitivity, secrets),
      diff,
      secrets,
      governedFiles: governedChanges.length,
      documents: evaluated.reduce((n, e) => n + (e.head?.documents.length ?? 0), 0),
    };
  } finally {
    await runner?.close();
  }
}

/** Files are judged concurrently, so the main thread parses one while the policy worker judges another. */
function evaluateFiles(changes: readonly FileChange[], judges: FileJudges): Promise<EvaluatedChange[]> {
  return mapConcurrent(changes, 4, async (change) => {
    const head = change.status !== "removed" && change.after ? await evaluateFile(change.path, change.after, judges) : undefined;
    // The base is judged only to tell new findings from existing ones: with none at the head, it only
    // needs parsing (for the preview and the change-set input).
    const base = change.before ? await evaluateFile(change.path, change.before, judges, (head?.findings.length ?? 0) > 0) : undefined;
    return { change, ...(head ? { head } : {}), ...(base ? { base } : {}) };
  });
}

function fileFindings({ change, head, base }: EvaluatedChange): Finding[] {
  if (isLinkEntry(change.after)) {
    // Always new: retargeting a link or moving a submodule changes what would be deployed, unseen.
    return [{ severity: "error", rule: `file/${change.after.kind}`, source: "parse", status: "new", path: change.path, ...fileStart, message: linkMessages[change.after.kind] }];
  }
  if (change.status !== "removed" && !change.after) {
    // A governed path whose head cannot be read (a vanished object) is never a silent pass.
    return [{ severity: "error", rule: "file/unreadable", source: "parse", status: "new", path: change.path, ...fileStart, message: "The head version of this file could not be read as a file: not validated." }];
  }
  return head ? classifyFindings(head, base) : [];
}

function helmTemplateNotice(change: FileChange): Finding {
  return {
    severity: "notice", rule: "file/helm-template", source: "parse", status: "new", path: change.path, ...fileStart,
    message: "Helm template: rendered by Helm, not validated as YAML (rendering comes with a later version). The chart's values files and Chart.yaml are validated.",
  };
}

/** The head version of every file the change touches, and the context files the source looked up. */
function headFiles(changes: ChangeSet): [string, FileContent | undefined][] {
  return [
    ...changes.files.filter((f) => f.status !== "removed").map((f): [string, FileContent | undefined] => [f.path, f.after]),
    ...(changes.headContext ?? new Map<string, FileContent | undefined>()),
  ];
}

const linkMessages = {
  symlink: "This path is a symbolic link. Gitgate does not follow links, so what it points at is not validated; " +
    "whether Argo CD, Flux or another tool follows it is up to their settings. Commit the file itself, or add this path to `ignore`.",
  submodule: "This path is a Git submodule. Gitgate does not read other repositories, so files inside it that the `files` globs " +
    "would govern are not validated, yet a tool that checks out submodules could deploy them. Commit the files here, or add this path to `ignore`.",
} as const;

function previewOf(evaluated: readonly EvaluatedChange[], sensitivity: Sensitivity): SemanticDiff {
  return semanticDiff(
    evaluated.map(({ change, head, base }) => ({
      path: change.path,
      ...(change.previousPath ? { previousPath: change.previousPath } : {}),
      ...(base ? { before: base.documents } : {}),
      ...(head ? { after: head.documents } : {}),
    })),
    sensitivity,
  );
}

/** What a change-set policy sees of one file: each document added, modified or removed. */
function changedDocuments({ change, head, base }: EvaluatedChange): ChangeSetInput["changes"] {
  return pairDocuments(base?.documents ?? [], head?.documents ?? [])
    .filter((pair) => pair.status !== "unchanged")
    .map((pair) => {
      const doc = (pair.after ?? pair.before)!;
      // A version that did not parse (or nests too deep to pass on) is null: its parse finding already fails the change.
      const value = (version: ParsedDocument | undefined) => (version?.valid ? version.value : null);
      return { path: change.path, status: pair.status as "added" | "modified" | "removed", index: doc.index, before: value(pair.before), after: value(pair.after) };
    });
}

function objectsOf(evaluated: readonly EvaluatedChange[]): Map<string, KubernetesObject> {
  const objects = new Map<string, KubernetesObject>();
  for (const { change, head } of evaluated) {
    for (const doc of head?.documents ?? []) {
      const object = kubernetesObject(doc.value);
      if (object) objects.set(`${change.path}#${doc.index}`, object);
    }
  }
  return objects;
}

function pullRequestInput(changes: ChangeSet, options: EvaluateOptions): ChangeSetInput["pull_request"] {
  return { number: null, author: null, base: changes.base, head: changes.head, labels: [], draft: false, ...options.pullRequest };
}

/** Longest source line shown; longer ones are cut (after scrubbing, so no cut leaves part of a secret). */
const maxSnippetLength = 300;

/**
 * The source line of each finding, for renderers, scrubbed. None from a redacted file, nor from any
 * file that may hold a Secret's values in clear: one with a Secret in any document (itself, a List
 * item, or deeper), or a document that did not parse or has errors (its value is a guess, and the
 * lines may hold values that the guess, or a duplicate key, dropped). Decided on parsed values, never
 * on the text, which can spell a kind in many ways.
 */
function snippetsOf(findings: readonly Finding[], evaluated: readonly EvaluatedChange[], sensitivity: Sensitivity, secrets: SecretSet): Report["snippets"] {
  // Paths and line numbers come from input: collected in Maps, turned into plain own properties at the end.
  const snippets = new Map<string, Map<number, string>>();
  const lines = new Map<string, string[] | undefined>();
  for (const finding of findings) {
    if (!lines.has(finding.path)) {
      const file = evaluated.find((e) => e.change.path === finding.path);
      const after = file?.change.after;
      const showable = after?.kind === "text" && file?.head !== undefined && !sensitivity.isRedacted(finding.path) && !mayHoldSecrets(file.head);
      lines.set(finding.path, showable ? after.text.replace(/^\uFEFF/, "").split(/\r?\n/) : undefined);
    }
    const line = lines.get(finding.path)?.[finding.line - 1];
    if (line === undefined) continue;
    const clean = secrets.scrub(line);
    const file = snippets.get(finding.path) ?? new Map<number, string>();
    snippets.set(finding.path, file);
    file.set(finding.line, clean.length > maxSnippetLength ? clean.slice(0, maxSnippetLength) + "…" : clean);
  }
  return Object.fromEntries([...snippets].map(([path, file]) => [path, Object.fromEntries(file)]));
}

function mayHoldSecrets(file: EvaluatedFile): boolean {
  if (file.findings.some((f) => f.source === "parse" && f.severity === "error")) return true;
  return file.documents.some((doc) => !doc.valid || containsSecret(doc.value));
}

function containsSecret(value: unknown): boolean {
  for (const node of nodes(value)) if (isKind(node, "Secret")) return true;
  return false;
}
