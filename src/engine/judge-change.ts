import { createHash } from "node:crypto";
import { createMatcher } from "../config/check-globs.js";
import { createLinkMatcher } from "../config/link-globs.js";
import type { GitgateConfig } from "../config/config-types.js";
import type { ControlPlane } from "../config/load-control-plane.js";
import { applyExceptions, type KubernetesObject } from "./apply-exceptions.js";
import { applyRuleOverrides } from "./apply-rule-overrides.js";
import { headContent, isLinkEntry, type ChangeSet, type FileChange, type FileContent } from "./change-set.js";
import { classifyFindings } from "./classify-findings.js";
import type { SemanticDiff } from "./diff/diff-types.js";
import { semanticDiff } from "./diff/semantic-diff.js";
import { kubernetesObject } from "./document-identity.js";
import type { EvaluateOptions } from "./evaluate-change-set.js";
import { changeCrds, withChangeCrds, type ChangeCrds, type ScanFile, type ScannedFile } from "./change-crds.js";
import { evaluateFile, evaluateParsedFile, type EvaluatedFile, type FileJudges } from "./evaluate-file.js";
import { fileStart, type Finding } from "./finding.js";
import { gitopsContext, gitopsFacts, isContextFile, type GeneratorSource, type GitopsContext, type GitopsFacts } from "./gitops-files.js";
import { forEachInOrder } from "./map-concurrent.js";
import { stringPool } from "./string-pool.js";
import { pairDocuments } from "./pair-documents.js";
import { isJsonPath, isManifestValue, parseFile } from "./parse/parse-file.js";
import { defaultParseLimits } from "./parse/parse-limits.js";
import { crdNames, crdsInParsed, crdsInText } from "./schema/crd-registry.js";
import { hasKubernetesKind } from "./schema/kubernetes-validators.js";
import type { ParsedDocument } from "./parse/parsed-document.js";
import { evaluateChangeSetPolicies, type ChangeSetInput } from "./policy/change-set-policies.js";
import { PolicyRunner } from "./policy/policy-runner.js";
import { emptyDiff, type Report } from "./report.js";
import { generatorSecrets } from "./secrets/generator-data.js";
import { mayHoldSecrets } from "./secrets/may-hold-secrets.js";
import { SecretSet, secretValuesOf, type SecretGroup } from "./secrets/secret-set.js";
import { createSensitivity, type Sensitivity } from "./secrets/sensitive-paths.js";
import { alsoRedacted } from "./secrets/also-redacted.js";
import { yamlReadingOf } from "./yaml-reading.js";
import { judgingDone, judgingNothing, judgingNow } from "./judging-now.js";
import { templateCoverage } from "../rendering/template-coverage.js";

export interface JudgedChange {
  findings: Finding[];
  snippets: Report["snippets"];
  diff: SemanticDiff;
  secrets: SecretSet;
  governedFiles: number;
  documents: number;
  /** The rendered targets' previews, and how many targets there were (see src/rendering). */
  rendered?: Report["rendered"];
  /** The files secret whole besides those `preview.redact` names (see alsoRedacted). */
  alsoRedacted: (path: string) => boolean;
}

/** A change whose head version has been read. */
export type ReadChange = Omit<FileChange, "after"> & { after?: FileContent };

interface EvaluatedChange {
  change: ReadChange;
  head?: EvaluatedFile;
  base?: EvaluatedFile;
}

/**
 * Judges the governed files of a change by a sound control plane:
 * 1. parse, validate and run the per-document policies on every governed file (base only as needed),
 * 2. collect the change's secrets and build the preview,
 * 3. tell new findings from existing ones, 4. run the change-set policies, 5. apply exceptions.
 *
 * A snapshot without change-set policies (the CLI's validate of a whole repository) is judged as a
 * stream: each file is read, judged and let go, and only what the report needs is kept (its findings,
 * the source lines they point at, the identity of their objects, the secrets to scrub). Otherwise the
 * preview and the change-set policies need every file's documents, which a pull request bounds.
 */
export async function judgeChange(plane: ControlPlane, config: GitgateConfig, changes: ChangeSet, options: EvaluateOptions, openLanes?: OpenFileLanes): Promise<JudgedChange> {
  const { policies } = plane;
  const runner = policyRunnerOf(plane, config);
  let lanes: FileLanes | undefined;
  try {
    const headContext = await headFiles(changes);
    const facts = gitopsFacts(headContext);
    const gitops = gitopsContext(facts);
    const rendering = renderedSources(changes.rendered);
    const planeJudges = fileJudgesOf(plane, config, gitops, runner, rendering);
    const governed = createMatcher(config.files, config.ignore);
    // A symlink or submodule is judged where it could stand for governed files, or for the control plane.
    const governedLink = createLinkMatcher(config.files, config.ignore);
    const isJudged = (change: FileChange) => isLinkEntry(change.after)
      ? governedLink(change.path) || plane.isControlPlanePath(change.path)
      : governed(change.path) && change.path !== plane.configPath;
    const governedChanges = changes.files.filter(isJudged);
    const changeSetPolicies = runner !== undefined && policies.changeSet.length > 0;
    const keepFiles = !options.snapshot || changeSetPolicies;
    // A stream of many files may be judged on other threads too (see FileLanes): each file's outcome is
    // computed by the same code there, and merged here in the order of the change.
    lanes = !keepFiles && governedChanges.length >= minFilesForLanes ? openLanes?.(facts) : undefined;
    const redactedToo = alsoRedacted(changes, facts);
    const sensitivity = createSensitivity(config.preview.redact, redactedToo);

    // What the report keeps of the files judged so far. A stream's file is taken in here as soon as it
    // is judged, and its outcome let go: a repository's files are not held to the end one by one.
    const secrets = new SecretSet();
    const kept: EvaluatedChange[] = [];
    // By path, only for files with findings; ordered by the change at the end, so the report does not
    // depend on which file a thread finished first.
    const found = new Map<string, Finding[]>();
    const templates: ReadChange[] = [];
    const plainTemplates: string[] = [];
    const coverage = changes.rendered ? templateCoverage(changes.rendered) : undefined;
    const objects = new Map<string, KubernetesObject>();
    const sourceLines = new SourceLines();
    let documents = 0;
    // An outcome judged on this thread is copied before it is taken in (see copied); a lane's is copied
    // on its way here already. The words its findings share with others are kept once (stringPool).
    const pooled = stringPool();
    const takeStreamed = (s: StreamedFile) => {
      secrets.addValues(s.secrets);
      const path = s.findings.length > 0 ? pooled(s.path) : s.path;
      for (const f of s.findings) {
        f.path = path;
        f.severity = pooled(f.severity);
        f.rule = pooled(f.rule);
        f.message = pooled(f.message);
        f.source = pooled(f.source);
        f.status = pooled(f.status);
        if (f.pointer !== undefined) f.pointer = pooled(f.pointer);
      }
      if (s.findings.length > 0) found.set(path, s.findings);
      documents += s.documents;
      for (const [key, object] of s.objects) objects.set(key, object);
      sourceLines.add(path, s.lines);
    };

    // The change's own CRDs first (see changeCrds). A stream judges each file as it looks at it, on any
    // thread, when no CRD of the change can alter its verdict; the rest wait for the CRDs.
    const judgedEarly = new Set<string>();
    const scan: ScanFile = (change) => {
      if (keepFiles || !isJudged(change) || gitops.isHelmTemplate(change.path) || gitops.generatorOf(change.path)) return undefined;
      return (async () => {
        if (lanes) await new Promise((resolve) => setImmediate(resolve));
        const scanned = lanes?.hasRoom() ? await lanes.scan(change) : await scanStreamedFile(change, planeJudges, sensitivity).then(copied);
        // The change's own path, not the copy a lane sent back: one string per file for the whole run.
        if (scanned.judged) judgedEarly.add(change.path);
        return scanned;
      })();
    };
    const changed = await changeCrds(plane, changes, planeJudges.limits, scan, takeStreamed);
    const crds = changed && options.snapshot ? { ...changed, snapshot: true as const } : changed;
    changes.willLoad?.(governedChanges.filter((c) => c.after?.kind === "deferred" && !judgedEarly.has(c.path)).map((c) => c.path));
    lanes?.useCrds(crds);
    const judges = crds ? fileJudgesOf(withChangeCrds(plane, crds), config, gitops, runner, rendering) : planeJudges;

    // Settled in the order of the change, whatever order the files finish in: the report does not
    // depend on timing. Beside the lanes' files, this thread has a few of its own in hand, so that one
    // waiting to be read does not leave it idle.
    type Settled = { template: ReadChange } | { generated: GeneratorData } | { evaluated: EvaluatedChange } | { streamed: StreamedFile } | { judgedEarly: true };
    await forEachInOrder(governedChanges, lanes ? lanes.inFlight + 3 : 4, async (change): Promise<Settled> => {
      if (judgedEarly.has(change.path)) return { judgedEarly: true };
      const after = await headContent(changes, change);
      const { after: _listed, ...rest } = change;
      const read: ReadChange = after ? { ...rest, after } : rest;
      // A generator's data is content for a Secret or ConfigMap, not a manifest: named, not judged.
      const generator = gitops.generatorOf(change.path);
      if (generator) {
        for (const content of [read.before, read.after]) secrets.addValues(generatorSecrets(generator, content));
        if (isDataOnly(read, judges)) return { generated: { change: read, source: generator } };
      }
      // Helm renders its templates: they are not YAML until then, so they are named, never parsed;
      // unless Helm makes nothing of one that reads as a manifest as it is (see unrenderedManifest).
      if (after?.kind === "text" && gitops.isHelmTemplate(change.path)) {
        if (!unrenderedManifest(read, coverage?.withOutput, judges)) return { template: read };
        plainTemplates.push(change.path);
      }
      // This thread judges too, whenever the other lanes have all the files they can hold. Their answers
      // are taken in first: a file read ahead is ready at once, and judging it here before a lane's
      // answer is seen would leave that lane idle.
      if (lanes) await new Promise((resolve) => setImmediate(resolve));
      if (lanes?.hasRoom()) return { streamed: await lanes.judge(read) };
      if (keepFiles) {
        const evaluated = await evaluateChange(read, judges);
        judgingNothing();
        return { evaluated };
      }
      return { streamed: structuredClone(await judgeStreamedFile(read, judges, sensitivity)) };
    }, (settled) => {
      if ("judgedEarly" in settled) return;
      if ("template" in settled) {
        templates.push(settled.template);
        return;
      }
      if ("generated" in settled) {
        found.set(settled.generated.change.path, [generatorDataNotice(settled.generated.change.path, settled.generated.source)]);
        return;
      }
      if ("streamed" in settled) {
        takeStreamed(settled.streamed);
        return;
      }
      const e = settled.evaluated;
      judgingNow(e.change.path);
      secrets.addValues(secretsOfChange(e, sensitivity));
      judgingDone(e.change.path);
      const fileFound = fileFindings(e);
      if (fileFound.length > 0) found.set(e.change.path, fileFound);
      documents += e.head?.documents.length ?? 0;
      kept.push(e);
    });

    const diff = options.snapshot ? emptyDiff : previewOf(kept, sensitivity);
    const findings = [...governedChanges.flatMap((c) => found.get(c.path) ?? []), ...templates.map((t) => coverage?.emptyTemplate(t.path) ?? helmTemplateNotice(t)), ...plainTemplates.map(unrenderedTemplateNotice)];
    // Helm renders a template whatever its name (`debug.tpl`), which the `files` globs may not govern,
    // and a vendored dependency's archive is no text to govern.
    if (coverage) {
      const ignored = createMatcher(config.ignore);
      const ungoverned = changes.files.filter((c) => c.status !== "removed" && !isJudged(c) && !ignored(c.path));
      findings.push(...ungoverned.flatMap((c) => (gitops.isHelmTemplate(c.path) ? coverage.emptyTemplate(c.path) : coverage.emptyArchive(c.path)) ?? []));
    }
    // What the change's Kustomize and Helm targets render to is judged by the same judges.
    const rendered = changes.rendered ? await (await import("../rendering/judge-rendered.js")).judgeRendered(changes.rendered, judges, config.kubernetesVersion, sensitivity, secrets) : undefined;
    if (rendered) {
      findings.push(...rendered.findings);
      documents += rendered.documents;
    }
    if (changeSetPolicies) {
      const input: ChangeSetInput = { pull_request: pullRequestInput(changes, options), changes: [...kept.flatMap(changedDocuments), ...(rendered?.changes ?? [])] };
      const byPath = new Map(kept.map((e) => [e.change.path, e]));
      const changeFindings = await evaluateChangeSetPolicies(input, policies.changeSet, runner, (path, index, pointer, line) => {
        if (line !== undefined) return { line, column: 1, endLine: line, endColumn: 1 };
        const doc = byPath.get(path)?.head?.documents.find((d) => d.index === index);
        return doc ? (pointer !== undefined ? doc.locate(pointer) : doc.span) : undefined;
      });
      findings.push(...applyRuleOverrides(changeFindings, config.policies.rules).map((f) => ({ ...f, status: "new" as const })));
    }
    if (keepFiles) {
      for (const [key, object] of objectsOf(kept, findings)) objects.set(key, object);
      sourceLines.keepAll(findings, kept, sensitivity);
    }
    return {
      findings: applyExceptions(findings, plane.exceptions, { today: options.today, maxDays: config.limits.exceptionMaxDays }, (f) => objects.get(objectKey(f.path, f.document, f.pointer))),
      snippets: sourceLines.snippets(secrets),
      diff,
      secrets,
      governedFiles: governedChanges.length,
      documents,
      alsoRedacted: redactedToo,
      ...(rendered && changes.rendered ? { rendered: { discovered: changes.rendered.discovered, targets: rendered.previews } } : {}),
    };
  } finally {
    await lanes?.close();
  }
}

/** Fewer files are judged on this thread alone: starting other threads would cost more than it saves. */
const minFilesForLanes = 64;

/**
 * Other threads that judge files of a stream for judgeChange, each with the same control plane:
 * `judge` gives what streamedFile gives on this thread. Opened with the head files that decide how
 * others are read (headFiles), so every thread reads each file the same way.
 */
export interface FileLanes {
  /** How many files the lanes may hold at once (being judged or waiting their turn). */
  inFlight: number;
  /** True when a lane can take one more file now. */
  hasRoom(): boolean;
  judge(change: ReadChange): Promise<StreamedFile>;
  /** Looks for CRDs in a head file as scanStreamedFile does, by the plane without the change's CRDs. */
  scan(change: ReadChange): Promise<ScannedFile>;
  /** The change's CRDs, for every file judged from now on (see changeCrds). */
  useCrds(crds: ChangeCrds | undefined): void;
  close(): Promise<void>;
}

export type OpenFileLanes = (gitops: GitopsFacts) => FileLanes | undefined;

/**
 * Policy runners kept between the evaluations of this thread, by what they run (modules, data, limits):
 * starting one, a thread that loads the modules, was most of a small PR's policy time. A thread keeps
 * the last two it used; their threads are let go with it, and never keep a process alive.
 */
const runners = new Map<string, PolicyRunner>();
const runnersKept = 2;

/** The policy runner of a control plane with policies. */
export function policyRunnerOf(plane: ControlPlane, config: GitgateConfig): PolicyRunner | undefined {
  const { modules } = plane.policies;
  if (modules.length === 0) return undefined;
  const limits = { timeoutMs: config.limits.policyTimeoutMs, memoryMiB: config.limits.policyMemoryMiB };
  const key = createHash("sha256").update(JSON.stringify([modules.map((m) => [m.digest, m.data ?? {}]), limits])).digest("hex");
  let runner = runners.get(key);
  if (!runner) {
    runner = new PolicyRunner(modules, limits);
    runner.warm();
  }
  runners.delete(key);
  runners.set(key, runner);
  for (const [old, unused] of runners) {
    if (runners.size <= runnersKept) break;
    runners.delete(old);
    void unused.close();
  }
  return runner;
}

/** What judges each file of a change by this control plane, read in this GitOps context. */
export function fileJudgesOf(plane: ControlPlane, config: GitgateConfig, gitops: GitopsContext, runner: PolicyRunner | undefined, rendered?: ReadonlySet<string>): FileJudges {
  return {
    schemas: plane.schemas,
    documentPolicies: plane.policies.document,
    ...(runner ? { runner } : {}),
    limits: { ...defaultParseLimits, maxFileBytes: config.limits.maxFileBytes },
    overrides: config.policies.rules,
    yamlReading: yamlReadingOf(config),
    patchOf: gitops.patchOf,
    // A patch a rendered kustomization names is judged in the objects it renders into; any other
    // (nothing rendered, validate of a folder, rendering off) is policed itself: never neither.
    ...(rendered ? { rendered } : {}),
  };
}

/** The source files of the targets rendered at the head (their kustomizations among them). */
function renderedSources(rendered: ChangeSet["rendered"]): ReadonlySet<string> | undefined {
  if (!rendered) return undefined;
  return new Set(rendered.targets.filter((t) => t.head?.ok === true).flatMap((t) => [...t.sources.keys()]));
}

/**
 * What the report keeps of one file of a stream, once judged: its findings, how many documents it
 * holds, the secrets to scrub, the objects its findings point at (for exceptions) and the source
 * lines they point at (raw: scrubbed at the end). Plain data: it may come from another thread.
 */
export interface StreamedFile {
  path: string;
  findings: Finding[];
  documents: number;
  secrets: SecretGroup[];
  objects: [string, KubernetesObject][];
  lines: [number, string][];
}

/** Judges one read file of a stream: what another thread runs for FileLanes. */
export async function judgeStreamedFile(change: ReadChange, judges: FileJudges, sensitivity: Sensitivity): Promise<StreamedFile> {
  try {
    const evaluated = await evaluateChange(change, judges);
    judgingNow(change.path);
    return streamedFile(evaluated, sensitivity);
  } finally {
    judgingDone(change.path);
  }
}

/**
 * Finds the CRDs in the head of a file of a stream (ScannedFile), and judges it in
 * the same go when its verdict cannot depend on the change's CRDs: every document a built-in kind
 * (judged by the built-in schema whatever CRD the change adds) or no Kubernetes object at all. The
 * judges are the plane's, without the change's CRDs; there must be no base CRD in the change. A file
 * the judges read other than as a manifest (a `yaml_version` set for it) is read for CRDs on its own.
 */
export async function scanStreamedFile(change: ReadChange, judges: FileJudges, sensitivity: Sensitivity): Promise<ScannedFile> {
  try {
    return await scanFile(change, judges, sensitivity);
  } finally {
    judgingDone(change.path);
  }
}

async function scanFile(change: ReadChange, judges: FileJudges, sensitivity: Sensitivity): Promise<ScannedFile> {
  const content = change.after;
  if (content?.kind !== "text") return { crds: [] };
  judgingNow(change.path);
  const reading = judges.yamlReading?.(change.path) ?? "auto";
  if (change.before || (reading === "1.2" && !isJsonPath(change.path))) return { crds: crdsInText(change.path, content.text, judges.limits).map(crdNames) };
  // "auto" reads a file that holds a CRD (a document with apiVersion) as YAML 1.1, as crdsInText does.
  const parsed = parseFile(change.path, content, judges.limits, reading);
  const crds = crdsInParsed(parsed).map(crdNames);
  if (!parsed.documents.every((doc) => !doc.valid || judgedWithoutCrds(doc.value))) return { crds };
  const head = await evaluateParsedFile(parsed, judges);
  judgingNow(change.path);
  return { crds, judged: streamedFile({ change, head }, sensitivity) };
}

/** A document no CRD of the change can alter the verdict on (see CustomResourceSchemas.lookup). */
function judgedWithoutCrds(value: unknown): boolean {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return true;
  const { apiVersion, kind, items } = value as { apiVersion?: unknown; kind?: unknown; items?: unknown };
  if (typeof apiVersion !== "string" || typeof kind !== "string") return true;
  if (apiVersion === "v1" && kind === "List") return !Array.isArray(items) || items.every(judgedWithoutCrds);
  return hasKubernetesKind(apiVersion, kind);
}

/**
 * The secrets of both versions of a file. The base's are read as a redacted file's if either of its
 * paths is redacted: moved out of a `preview.redact` folder (or out of its chart, as a values file) it
 * held secrets its new path would not say, and moved into one its old values are masked in the preview
 * by the new path, so they must be scrubbed everywhere else too.
 */
function secretsOfChange(e: EvaluatedChange, sensitivity: Sensitivity): SecretGroup[] {
  const secrets: SecretGroup[] = [];
  const { path, previousPath } = e.change;
  const basePath = previousPath !== undefined && sensitivity.isRedacted(previousPath) ? previousPath : path;
  for (const doc of e.base?.documents ?? []) secrets.push(...secretValuesOf(basePath, doc.value, sensitivity));
  for (const doc of e.head?.documents ?? []) secrets.push(...secretValuesOf(e.change.path, doc.value, sensitivity));
  return secrets;
}

function streamedFile(e: EvaluatedChange, sensitivity: Sensitivity): StreamedFile {
  const secrets = secretsOfChange(e, sensitivity);
  const findings = fileFindings(e);
  const lines: [number, string][] = [];
  if (findings.length > 0) {
    const text = showableLines(e, e.change.path, sensitivity) ?? [];
    for (const finding of findings) {
      const line = text[finding.line - 1];
      if (line !== undefined) lines.push([finding.line, line]);
    }
  }
  return { path: e.change.path, findings, documents: e.head?.documents.length ?? 0, secrets, objects: [...objectsOf([e], findings)], lines };
}

/** Judges one file's head and, where needed, its base. */
async function evaluateChange(change: ReadChange, judges: FileJudges): Promise<EvaluatedChange> {
  const head = change.status !== "removed" && change.after ? await evaluateFile(change.path, change.after, judges) : undefined;
  // The base is judged only to tell new findings from existing ones: with none at the head, it only
  // needs parsing (for the preview and the change-set input).
  const base = change.before ? await evaluateFile(change.path, change.before, judges, (head?.findings.length ?? 0) > 0) : undefined;
  return { change, ...(head ? { head } : {}), ...(base ? { base } : {}) };
}

/**
 * A file's outcome as a stream keeps it: copied, since a string taken from a file (a line, a name in a
 * message) can be a slice that keeps the whole file's text alive.
 */
function copied(scanned: ScannedFile): ScannedFile {
  return scanned.judged ? { ...scanned, judged: structuredClone(scanned.judged) } : scanned;
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
  const sameText = change.before?.kind === "text" && change.after?.kind === "text" && change.before.text === change.after.text;
  return head ? classifyFindings(head, base, sameText) : [];
}

/** A file a kustomization's generator reads, and which generator (see GeneratorSource). */
interface GeneratorData {
  change: ReadChange;
  source: GeneratorSource;
}

/**
 * Whether a file a generator names is data only, and so not judged: every version of it (base and head)
 * text that reads cleanly and holds no Kubernetes object, or, for a file whose name is not a manifest's
 * (`.yaml`, `.yml`, `.json`: what Argo CD and Flux read from a folder), text that does not read as one.
 * Any kustomization can name any file of the repository as a generator's data (`files:
 * [../prod/deploy.yaml]`, in a folder nothing deploys): a file that holds a manifest, held one at the
 * base (its removal must show), might hold one (a manifest's name that does not read cleanly), or is
 * no text (binary to Gitgate, UTF-16 to kustomize; too large; a link) is judged as every governed file
 * is, or a kustomization could take it out of judging. Its values stay secret if a secretGenerator
 * names it.
 */
function isDataOnly(change: ReadChange, judges: FileJudges): boolean {
  const versions: [string, FileContent | undefined][] = [[change.previousPath ?? change.path, change.before], [change.path, change.after]];
  for (const [path, content] of versions) {
    if (content === undefined) continue;
    if (content.kind !== "text") return false;
    judgingNow(change.path);
    const parsed = parseFile(path, content, judges.limits, judges.yamlReading?.(path) ?? "auto");
    judgingDone(change.path);
    if (parsed.documents.some((doc) => isManifestValue(doc.value))) return false;
    const clean = !parsed.findings.some((f) => f.severity === "error") && parsed.documents.every((doc) => doc.valid);
    if (!clean && manifestName.test(path)) return false;
  }
  return true;
}

const manifestName = /\.(?:ya?ml|json)$/i;

function generatorDataNotice(path: string, source: GeneratorSource): Finding {
  const what = source.generator === "secretGenerator" ? "a Secret" : "a ConfigMap";
  return {
    severity: "notice", rule: "file/generator-data", source: "parse", status: "new", path, ...fileStart,
    message: `Data for the ${source.generator} of ${source.kustomization}: kustomize puts it in ${what}, so it is not a manifest and is not validated on its own` +
      `${source.generator === "secretGenerator" ? ", and none of its lines is shown" : ""}. What the kustomization renders is validated where a pull request renders it.`,
  };
}

/**
 * Whether a template is judged as the manifest it reads as: the change was rendered, no render made
 * anything of it (a partial, a library chart's file, output Helm comments out, a chart that did not
 * render or is not rendered), and as it is, it reads cleanly as YAML holding a Kubernetes object. A
 * tool that applies its folder as plain files (Flux's kustomize-controller, an Argo CD directory
 * source) deploys exactly that, so a `Chart.yaml` must not take it out of judging.
 */
function unrenderedManifest(change: ReadChange, renderedTemplates: ReadonlySet<string> | undefined, judges: FileJudges): boolean {
  if (!renderedTemplates || renderedTemplates.has(change.path) || change.after?.kind !== "text") return false;
  judgingNow(change.path);
  const parsed = parseFile(change.path, change.after, judges.limits, judges.yamlReading?.(change.path) ?? "auto");
  judgingDone(change.path);
  return parsed.documents.some((doc) => isManifestValue(doc.value)) && !parsed.findings.some((f) => f.severity === "error") && parsed.documents.every((doc) => doc.valid);
}

function unrenderedTemplateNotice(path: string): Finding {
  return {
    severity: "notice", rule: "file/helm-unrendered", source: "parse", status: "new", path, ...fileStart,
    message: "Helm renders nothing of this template (a partial, a library chart's file, output Helm comments out, or a chart that did not render), yet as it is it reads as a Kubernetes manifest, " +
      "which a tool applying its folder as plain files (Flux, an Argo CD directory source) deploys: it is judged as one.",
  };
}

function helmTemplateNotice(change: FileChange): Finding {
  return {
    severity: "notice", rule: "file/helm-template", source: "parse", status: "new", path: change.path, ...fileStart,
    message: "Helm template: not YAML until Helm renders it, so not validated on its own. What the chart renders is validated with the values an Argo CD Application, a Flux HelmRelease or `render.helm` gives it, else with its own values.yaml. The chart's values files and Chart.yaml are validated.",
  };
}

/**
 * The head version of every file the change touches that can decide how others are read (a chart's
 * Chart.yaml, a kustomization), and the context files the source looked up. Deferred files are read
 * only when their name is one of those.
 */
async function headFiles(changes: ChangeSet): Promise<[string, FileContent | undefined][]> {
  const touched = changes.files.filter((f) => f.status !== "removed" && isContextFile(f.path));
  return [
    ...(await Promise.all(touched.map(async (f): Promise<[string, FileContent | undefined]> => [f.path, await headContent(changes, f)]))),
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

/** The Kubernetes objects the findings point into, by objectKey: a head document, or a List item in it. */
function objectsOf(evaluated: readonly EvaluatedChange[], findings: readonly Finding[]): Map<string, KubernetesObject> {
  const objects = new Map<string, KubernetesObject>();
  for (const { change, head } of evaluated) {
    const documents = new Map((head?.documents ?? []).map((doc) => [doc.index, doc]));
    for (const finding of findings) {
      const doc = finding.path === change.path && finding.document !== undefined ? documents.get(finding.document) : undefined;
      if (!doc) continue;
      const object = kubernetesObject(objectAt(doc.value, finding.pointer));
      if (object) objects.set(objectKey(change.path, doc.index, finding.pointer), object);
    }
  }
  return objects;
}

/** Where a finding's object is kept: its file, document and the List items its pointer goes through. */
function objectKey(path: string, document: number | undefined, pointer: string | undefined): string {
  return `${path}#${document}${itemsOf(pointer)}`;
}

/** The `/items/N` steps a pointer starts with (a List's item's items too). */
function itemsOf(pointer: string | undefined): string {
  return /^(?:\/items\/(?:0|[1-9][0-9]*)(?=\/|$))*/.exec(pointer ?? "")![0];
}

/**
 * The object a finding points into: kubectl applies every object with `items` item by item, so a
 * finding in an item is that item's, never the List's (an exception for the List's name must not waive
 * what its items do). Undefined when the steps lead to no item: no object, so no object's exception.
 */
function objectAt(value: unknown, pointer: string | undefined): unknown {
  for (const step of itemsOf(pointer).split("/items/").slice(1)) {
    const list = value !== null && typeof value === "object" && !Array.isArray(value) ? (value as { items?: unknown }).items : undefined;
    if (!Array.isArray(list)) return undefined;
    value = list[Number(step)];
  }
  return value;
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
 * on the text, which can spell a kind in many ways. Lines are kept raw as files are judged and
 * scrubbed at the end, once every secret of the change is known.
 */
class SourceLines {
  // Paths and line numbers come from input: collected in Maps, turned into plain own properties at the end.
  private readonly lines = new Map<string, Map<number, string>>();

  /** Lines of one judged file of a stream (see streamedFile). */
  add(path: string, lines: readonly [number, string][]): void {
    if (lines.length === 0) return;
    const file = this.lines.get(path) ?? new Map<number, string>();
    this.lines.set(path, file);
    for (const [n, line] of lines) file.set(n, line);
  }

  /** The lines every finding points at, in the judged files that were kept. */
  keepAll(findings: readonly Finding[], evaluated: readonly EvaluatedChange[], sensitivity: Sensitivity): void {
    const byPath = new Map(evaluated.map((e) => [e.change.path, e]));
    const texts = new Map<string, string[] | undefined>();
    for (const finding of findings) {
      if (!texts.has(finding.path)) {
        const e = byPath.get(finding.path);
        texts.set(finding.path, e ? showableLines(e, finding.path, sensitivity) : undefined);
      }
      const line = texts.get(finding.path)?.[finding.line - 1];
      if (line === undefined) continue;
      const file = this.lines.get(finding.path) ?? new Map<number, string>();
      this.lines.set(finding.path, file);
      file.set(finding.line, line);
    }
  }

  snippets(secrets: SecretSet): Report["snippets"] {
    return Object.fromEntries([...this.lines].map(([path, file]) => [path, Object.fromEntries([...file].map(([n, line]) => {
      const clean = secrets.scrub(line);
      return [n, clean.length > maxSnippetLength ? clean.slice(0, maxSnippetLength) + "…" : clean];
    }))]));
  }
}

/** The lines of a judged file whose lines may be shown, else undefined. */
function showableLines({ change, head }: EvaluatedChange, path: string, sensitivity: Sensitivity): string[] | undefined {
  const after = change.after;
  const showable = after?.kind === "text" && head !== undefined && !sensitivity.isRedacted(path) && !mayHoldSecrets(head);
  return showable ? after.text.replace(/^\uFEFF/, "").split(/\r?\n/) : undefined;
}
