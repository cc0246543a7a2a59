import { classifyFindings } from "../engine/classify-findings.js";
import type { SemanticDiff } from "../engine/diff/diff-types.js";
import { semanticDiff } from "../engine/diff/semantic-diff.js";
import { kubernetesObject } from "../engine/document-identity.js";
import { evaluateFile, type EvaluatedFile, type FileJudges } from "../engine/evaluate-file.js";
import { fileStart, type Finding } from "../engine/finding.js";
import { judgingDone, judgingNow } from "../engine/judging-now.js";
import { gitopsFacts } from "../engine/gitops-files.js";
import { pairDocuments } from "../engine/pair-documents.js";
import { parseFile } from "../engine/parse/parse-file.js";
import type { ChangeSetInput } from "../engine/policy/change-set-policies.js";
import { generatorSecrets } from "../engine/secrets/generator-data.js";
import { templateOrigins, withoutSourceMarkers } from "./helm-origins.js";
import type { SecretSet } from "../engine/secrets/secret-set.js";
import type { Sensitivity } from "../engine/secrets/sensitive-paths.js";
import type { RenderedChange, RenderedTarget, RenderOutcome } from "./render-types.js";
import { SourceTracer } from "./trace-source.js";

/** What one rendered target changes in what is deployed, for the preview. */
export interface RenderedPreview {
  /** The target's name: its folder, or the Application / HelmRelease and its chart. */
  target: string;
  kind: "kustomize" | "helm";
  /** The kustomization or Chart.yaml. */
  file: string;
  deployedBy?: { kind: string; name: string; path: string };
  /** Objects added, changed and removed between the base render and the head render, masked. */
  diff: SemanticDiff;
  /** Rendering failed at the head (the finding says why): nothing to compare. */
  failed?: boolean;
}

export interface JudgedRendering {
  findings: Finding[];
  previews: RenderedPreview[];
  /** The rendered objects the change adds, modifies or removes, for change-set policies. */
  changes: ChangeSetInput["changes"];
  /** Rendered documents judged at the head. */
  documents: number;
}

/**
 * Judges what the change's targets render to with the same judges as any file (schemas, strict
 * checks, CRDs, per-document policies), tells new findings from existing ones by comparing the head
 * render with the base render, and points each finding back at the source line that produced the
 * field when it can be traced. A target that cannot be rendered is an error on its kustomization or
 * Chart.yaml, never a pass.
 */
export async function judgeRendered(rendered: RenderedChange, judges: FileJudges, kubernetesVersion: string, sensitivity: Sensitivity, secrets: SecretSet): Promise<JudgedRendering> {
  // Rendered output is whole objects: no file in it is a patch.
  const { patchOf: _ignored, ...fileJudges } = judges;
  const out: JudgedRendering = { findings: [], previews: [], changes: [], documents: 0 };
  for (const t of rendered.targets) {
    const { target } = t;
    const renderJudges = { ...fileJudges, schemas: renderedSchemas(judges.schemas, target.file, kubernetesVersion) };
    const label = `${target.kind === "helm" ? "Helm" : "Kustomize"} target ${target.name}`;
    const head = t.head?.ok ? await evaluateFile(target.file, textOf(t.head), renderJudges) : undefined;
    const base = t.base?.ok ? await evaluateFile(target.file, textOf(t.base), renderJudges, (head?.findings.length ?? 0) > 0) : undefined;
    judgingNow(target.file);
    for (const doc of [...(base?.documents ?? []), ...(head?.documents ?? [])]) secrets.addDocument(`${target.file} (rendered)`, doc.value, sensitivity);
    if (t.head && !t.head.ok) {
      // A failure message may quote any file the render read (kustomize dumps the node it choked on),
      // and a Secret file the change leaves alone adds no secret anywhere else: the sources' own are
      // collected first, so the message is scrubbed of them (see failureFinding).
      const generated = new Map(gitopsFacts(t.sources).generated);
      for (const [path, content] of t.sources) {
        const source = generated.get(path);
        if (source) {
          secrets.addValues(generatorSecrets(source, content));
          continue;
        }
        for (const doc of parseFile(path, content, judges.limits, "auto").documents) secrets.addDocument(path, doc.value, sensitivity);
      }
      out.findings.push(failureFinding(t, label, t.head, secrets));
    }
    if (head && t.head?.ok) {
      out.documents += head.documents.length;
      out.findings.push(...traced(t, label, head, base));
    }
    const previewPath = `${target.name} (rendered)`;
    out.previews.push({
      target: target.name,
      kind: target.kind,
      file: target.file,
      ...(target.deployedBy ? { deployedBy: target.deployedBy } : {}),
      diff: semanticDiff([{ path: previewPath, ...(base ? { before: base.documents } : {}), ...(head ? { after: head.documents } : {}) }], sensitivity),
      ...(t.head && !t.head.ok ? { failed: true } : {}),
    });
    for (const pair of pairDocuments(base?.documents ?? [], head?.documents ?? [])) {
      if (pair.status === "unchanged") continue;
      const doc = (pair.after ?? pair.before)!;
      const value = (version: typeof pair.before) => (version?.valid ? version.value : null);
      out.changes.push({ path: previewPath, status: pair.status as "added" | "modified" | "removed", index: doc.index, before: value(pair.before), after: value(pair.after) });
    }
    judgingDone(target.file);
  }
  return out;
}

/**
 * What rendered output is validated by: it is Kubernetes manifests whatever the config's globs say,
 * so the built-in schemas (with the config's CRDs) always apply, strict as the `schema: kubernetes`
 * rule that governs the target's file, if one does. Repository schemas are for source files (values
 * files, say), not for what the tools produce.
 */
function renderedSchemas(schemas: FileJudges["schemas"], targetFile: string, kubernetesVersion: string): FileJudges["schemas"] {
  const kubernetes = schemas.filter((s) => s.kind === "kubernetes");
  const governing = kubernetes.find((s) => s.matches(targetFile)) ?? kubernetes[0];
  const always = () => true;
  return [governing ? { ...governing, matches: always } : { kind: "kubernetes", kubernetesVersion, matches: always }];
}

const textOf = (outcome: RenderOutcome & { ok: true }) => ({ kind: "text" as const, text: outcome.yaml, size: Buffer.byteLength(outcome.yaml) });

/**
 * A target that did not render: an error on its file (where its refused references are written, when
 * refused). The same failure at the base excuses it (fail_on: new) only for a Kustomize target, whose
 * files are judged on their own (resources as manifests, patches as partial objects), and only when
 * the failure is the target's, not this machine's (Gitgate's own bounds, no render helper). A Helm
 * chart's templates are judged only as rendered: the change touches the chart (only touched targets
 * are rendered), and what it does there cannot be judged however the chart fared at the base (a
 * template added to a chart that already failed, one needing values nothing here gives it, could hold
 * anything).
 */
function failureFinding(t: RenderedTarget, label: string, head: RenderOutcome & { ok: false }, secrets: SecretSet): Finding {
  const sameAtBase = t.target.kind === "kustomize" && !head.cannotRender && t.base !== undefined && !t.base.ok && t.base.error === head.error;
  const where = head.refused ? [...t.target.remote, ...t.target.outside][0] : undefined;
  return {
    severity: "error",
    rule: head.refused ? "render/refused" : "render/failed",
    source: "parse",
    status: sameAtBase ? "existing" : "new",
    path: where?.file ?? t.target.file,
    ...(where ? where.at : fileStart),
    message: `${label}: ${head.refused ? "" : "rendering failed: "}${oneLine(head.error, secrets)}`,
  };
}

/** Findings in the head render, classified against the base render, then moved to the source line that produced them. */
function traced(t: RenderedTarget, label: string, head: EvaluatedFile, base: EvaluatedFile | undefined): Finding[] {
  const origins = t.head?.ok && t.head.templates ? templateOrigins(t.head.templates, head.documents.map((d) => d.span.line)) : t.head?.ok ? t.head.origins : undefined;
  const tracer = new SourceTracer(t.target, t.sources, origins);
  return classifyFindings(head, base, sameOutput(t)).flatMap((finding): Finding[] => {
    // Hazards of the rendered text (YAML 1.1 words and the like) belong to the tools' output, not to the change.
    if (finding.source === "parse" && finding.severity !== "error") return [];
    const doc = finding.document !== undefined ? head.documents.find((d) => d.index === finding.document) : undefined;
    const object = doc ? kubernetesObject(doc.value) : undefined;
    const pointer = finding.pointer ?? "";
    const source = doc ? tracer.trace(doc.value, doc.index, pointer) : { path: t.target.file, ...fileStart, via: "target" as const };
    const what = object ? `${object.kind} ${object.namespace ? `${object.namespace}/` : ""}${object.name}` : "a rendered document";
    const field = pointer !== "" ? `, field ${pointer}` : "";
    const { pointer: _p, document: _d, ...rest } = finding;
    return [{
      ...rest,
      path: source.path,
      line: source.line,
      column: source.column,
      endLine: source.endLine,
      endColumn: source.endColumn,
      message: `${finding.message} [rendered ${what}${field}, ${label}${source.via === "target" ? "" : `, traced to this ${viaWords[source.via]}`}]`,
    }];
  });
}

const viaWords = { values: "values line", kustomization: "kustomization line", patch: "patch", resource: "resource line", template: "template", target: "" } as const;

/**
 * A render error on one line, fit to show: kustomize's dump of the node it failed on dropped (a node of
 * a Secret, or of a file whose values Gitgate does not know as secret, such as a generator's env file),
 * scrubbed, then cut. Scrubbed before the cut: a cut could keep a piece of a secret too short to be
 * recognised as one.
 */
const oneLine = (text: string, secrets: SecretSet) => {
  // Scrubbed before it is flattened: a value holding a tab or two spaces in a row no longer reads as
  // itself once they are one space, and its words would come out between the masks.
  const flat = secrets.scrub(text.replace(/node contents:[^]*$/, "node contents: (not shown)")).replace(/\s+/g, " ").trim();
  return flat.length > 600 ? `${flat.slice(0, 600)}…` : flat;
};

/** Whether the target rendered the same text at base and head, the headers' per-render markers aside. */
function sameOutput(t: RenderedTarget): boolean {
  const text = (outcome: RenderedTarget["head"]) => (outcome?.ok ? withoutSourceMarkers(outcome.yaml) : undefined);
  const head = text(t.head);
  return head !== undefined && head === text(t.base);
}
