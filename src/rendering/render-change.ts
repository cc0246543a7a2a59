import type { GitgateConfig } from "../config/config-types.js";
import type { ChangeSet, FileContent } from "../engine/change-set.js";
import { mapConcurrent } from "../engine/map-concurrent.js";
import { discoverTargets } from "./discover-targets.js";
import { helmTemplates, newSourceMarker } from "./helm-origins.js";
import { missingRenderHelperMessage } from "./render-helper-binary.js";
import type { RenderedChange, RenderedTarget, RenderOutcome, RenderTarget, TreeSnapshot } from "./render-types.js";
import { runRenderHelper, type HelperRequest } from "./run-render-helper.js";

export interface RenderInputs {
  base: TreeSnapshot;
  head: TreeSnapshot;
  /** The helper's path; undefined when it is not installed (then every changed target fails closed). */
  helper: string | undefined;
  /** Whether a path is governed by the config: targets whose kustomization or Chart.yaml is not are skipped. */
  governed: (path: string) => boolean;
}

/** Bytes of source files handed to the helper for one target; more is refused rather than rendered. */
const maxSnapshotBytes = 64 * 1024 * 1024;
/**
 * Binary files handed to the helper for one version of a target, and their bytes: each is a request
 * of its own in the App (GraphQL gives no bytes for a binary blob), and a chart's folder may hold any
 * number of them. More is refused, naming the file, rather than rendered without it.
 */
export const maxBinaryFiles = 32;
export const maxBinaryBytes = 16 * 1024 * 1024;
/**
 * And for the whole change, every target and both versions together: twenty overlays of one base,
 * each with a keystore of its own, must not cost an installation hundreds of requests for one edit.
 */
const maxBinaryFilesPerChange = 128;
const maxBinaryBytesPerChange = 64 * 1024 * 1024;

/** What is left of the change's binary files and bytes (see maxBinaryFilesPerChange). */
interface BinaryBudget {
  files: number;
  bytes: number;
}

/**
 * Finds the render targets at base and head, keeps those the change touches (a changed file among the
 * files and folders a target reads, at either commit), and renders each at the base and at the head,
 * one helper process per version, two at a time. Unchanged targets are not rendered.
 */
export async function renderChange(config: GitgateConfig, changes: ChangeSet, inputs: RenderInputs): Promise<RenderedChange> {
  const [baseTargets, headTargets] = await Promise.all([discoverTargets(inputs.base, config.render), discoverTargets(inputs.head, config.render)]);
  const touched = changes.files.flatMap((f) => (f.previousPath !== undefined ? [f.path, f.previousPath] : [f.path]));
  const byId = new Map<string, { base?: RenderTarget; head?: RenderTarget }>();
  for (const t of baseTargets) byId.set(t.id, { ...byId.get(t.id), base: t });
  for (const t of headTargets) byId.set(t.id, { ...byId.get(t.id), head: t });
  pairRenamed(byId, changes);
  const changed = [...byId.values()].filter(({ base, head }) => {
    const target = (head ?? base)!;
    return inputs.governed(target.file) && touched.some((path) => (base && dependsOn(base, path)) || (head && dependsOn(head, path)));
  });
  const bounds = { timeoutMs: config.render.timeoutMs, memoryMiB: config.render.memoryMiB, network: config.render.network };
  const budget: BinaryBudget = { files: maxBinaryFilesPerChange, bytes: maxBinaryBytesPerChange };
  const render = async (target: RenderTarget, snapshot: TreeSnapshot) => {
    const { request, sources } = await requestFor(target, snapshot, config, budget);
    const refusal = refusalOf(target, config.render.network);
    const outcome: RenderOutcome = refusal ? { ok: false, error: refusal, refused: true }
      // Gitgate's own bounds (or a read that failed) stopped it: never excused by the same at the base.
      : typeof request === "string" ? { ok: false, error: request, cannotRender: true }
      : inputs.helper ? withTemplateStarts(await runRenderHelper(inputs.helper, request, bounds), request)
      : { ok: false, error: missingRenderHelperMessage, cannotRender: true };
    return { outcome, sources };
  };
  const targets = await mapConcurrent(changed, 2, async ({ base, head }): Promise<RenderedTarget> => {
    const [b, h] = await Promise.all([base ? render(base, inputs.base) : undefined, head ? render(head, inputs.head) : undefined]);
    return {
      target: (head ?? base)!,
      ...(b ? { base: b.outcome } : {}),
      ...(h ? { head: h.outcome } : {}),
      sources: h?.sources ?? new Map(),
    };
  });
  return { targets, discovered: byId.size };
}

/** A Helm render with where each template's output starts, told by the marker only the helper knew. */
function withTemplateStarts(outcome: RenderOutcome, request: HelperRequest): RenderOutcome {
  if (!outcome.ok || request.kind !== "helm") return outcome;
  const { starts, emptyArchived } = helmTemplates(outcome.yaml, request.sourceMarker, outcome.templateNames ?? [], request.chart, request.files);
  return { ...outcome, templates: starts, ...(emptyArchived.length > 0 ? { emptyArchived } : {}) };
}

/**
 * A target whose folder the change moves (its Chart.yaml or kustomization renamed) has another id at
 * the head: paired with its base, so what it renders at both is compared (otherwise every finding in
 * it would be new, and a move of a folder would fail a check it passed).
 */
function pairRenamed(byId: Map<string, { base?: RenderTarget; head?: RenderTarget }>, changes: ChangeSet): void {
  const baseOnly = new Map([...byId].filter(([, t]) => t.base && !t.head).map(([id, t]) => [t.base!.file, id]));
  for (const [id, pair] of byId) {
    if (pair.base || !pair.head) continue;
    const from = changes.files.find((f) => f.path === pair.head!.file && f.previousPath !== undefined)?.previousPath;
    const baseId = from !== undefined ? baseOnly.get(from) : undefined;
    const base = baseId !== undefined ? byId.get(baseId)?.base : undefined;
    if (!base || base.kind !== pair.head.kind) continue;
    byId.delete(baseId!);
    byId.set(id, { base, head: pair.head });
  }
}

function dependsOn(target: RenderTarget, path: string): boolean {
  return target.dependsOn.files.includes(path) || target.dependsOn.folders.some((folder) => folder === "" || path.startsWith(`${folder}/`));
}

/** Why a target is not rendered at all: a remote source without `render.network`, or a path out of the repository. */
function refusalOf(target: RenderTarget, network: boolean): string | undefined {
  const outside = target.outside.map((r) => `"${r.ref}" (${r.file}:${r.at.line}) leaves the repository`);
  const remote = network ? [] : target.remote.map((r) => `"${r.ref}" (${r.file}:${r.at.line}) is remote`);
  const reasons = [...outside, ...remote];
  if (reasons.length === 0) return undefined;
  return `not rendered: ${reasons.join("; ")}. Gitgate renders from this repository only` + (remote.length > 0 ? ", with no network unless `render.network: true`" : "");
}

/**
 * Whether the helper must be handed this file's bytes when it is binary: for Kustomize, a file its
 * generators read whole (a keystore in a secretGenerator); for Helm, a file of the chart's folder
 * outside `templates/` (`.Files.Get`, a vendored dependency's archive under `charts/`).
 */
function needsBytes(target: RenderTarget, path: string, chartReadsFiles: boolean): boolean {
  if (target.kind === "kustomize") return target.generated?.includes(path) ?? false;
  const prefix = target.root === "" ? "" : `${target.root}/`;
  if (!path.startsWith(prefix) || path.startsWith(`${prefix}templates/`)) return false;
  // A vendored dependency always; any other file only when a template reads files at all: an icon or
  // a screenshot in a chart's folder is bytes no render needs.
  return path.startsWith(`${prefix}charts/`) || chartReadsFiles;
}

/** Whether a file too large to read is one the target surely reads: one its kustomizations name, or one it needs the bytes of. */
function surelyRead(target: RenderTarget, path: string, chartReadsFiles: boolean): boolean {
  return target.kind === "kustomize" ? target.dependsOn.files.includes(path) : needsBytes(target, path, chartReadsFiles);
}

/** Whether any template of a chart (its subcharts' too) reads the chart's files (`.Files.Get`, `.Files.Glob`, …). */
function readsFiles(target: RenderTarget, read: ReadonlyMap<string, FileContent | undefined>): boolean {
  if (target.kind !== "helm") return false;
  for (const [path, content] of read) if (content?.kind === "text" && /(^|\/)templates\//.test(path) && content.text.includes(".Files")) return true;
  return false;
}

/** The files one version of a target is rendered from, read from its commit, and the request for the helper. */
async function requestFor(target: RenderTarget, snapshot: TreeSnapshot, config: GitgateConfig, budget: BinaryBudget): Promise<{ request: HelperRequest | string; sources: Map<string, FileContent> }> {
  const wanted = snapshot.paths.filter((p) => target.dependsOn.files.includes(p) || target.dependsOn.folders.some((folder) => folder === "" || p.startsWith(`${folder}/`)));
  const read = await snapshot.read(wanted);
  const chartReadsFiles = readsFiles(target, read);
  const files: Record<string, string> = {};
  const sources = new Map<string, FileContent>();
  const binary: { path: string; size: number }[] = [];
  let bytes = 0;
  for (const path of wanted) {
    const content = read.get(path);
    // Rendered without it, the target would render something else (a chart's `.Files.Get` gives "").
    if (content?.kind === "too-large" && surelyRead(target, path, chartReadsFiles)) {
      return { request: `not rendered: ${path} is larger than limits.max_file_bytes (${content.size} bytes) and was not read`, sources };
    }
    if (content?.kind === "binary" && needsBytes(target, path, chartReadsFiles)) {
      binary.push({ path, size: content.size });
      bytes += content.size;
      continue;
    }
    if (content?.kind !== "text") continue;
    bytes += content.size;
    files[path] = content.text;
    // Source YAML is kept for tracing findings to a line; templates are not YAML.
    if (/\.ya?ml$/i.test(path) || /(^|\/)Kustomization$/.test(path)) sources.set(path, content);
  }
  if (bytes > maxSnapshotBytes) return { request: `not rendered: its files hold more than ${maxSnapshotBytes / (1024 * 1024)} MiB`, sources };
  const binaryFiles = binary.length > 0 ? await readBinaryFiles(binary.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), snapshot, budget) : {};
  if (typeof binaryFiles === "string") return { request: binaryFiles, sources };
  const handed = Object.keys(binaryFiles).length > 0 ? { binaryFiles } : {};
  if (target.kind === "kustomize") return { request: { kind: "kustomize", files, ...handed, root: target.root }, sources };
  return {
    request: {
      kind: "helm",
      files,
      ...handed,
      chart: target.root,
      values: (target.values ?? []).map((v) => ("path" in v ? { path: v.path } : { text: v.inline })),
      ...(target.release !== undefined ? { release: target.release } : {}),
      ...(target.namespace !== undefined ? { namespace: target.namespace } : {}),
      kubeVersion: config.kubernetesVersion,
      sourceMarker: newSourceMarker(),
    },
    sources,
  };
}

/**
 * The bytes of the binary files a target needs, base64 for the helper's JSON, within the bounds; or why
 * the target is not rendered, naming the file. Fails closed: a file that cannot be read is never left out.
 */
async function readBinaryFiles(binary: { path: string; size: number }[], snapshot: TreeSnapshot, budget: BinaryBudget): Promise<Record<string, string> | string> {
  let total = 0;
  for (const [i, { path, size }] of binary.entries()) {
    if (i >= maxBinaryFiles) return `not rendered: ${path} is one binary file too many: Gitgate hands a target at most ${maxBinaryFiles} binary files`;
    total += size;
    if (total > maxBinaryBytes) return `not rendered: with ${path}, its binary files hold more than ${maxBinaryBytes / (1024 * 1024)} MiB, more than Gitgate hands a target`;
    if (i >= budget.files || total > budget.bytes) {
      return `not rendered: with ${path}, the change's targets read more binary files than Gitgate reads for one change (${maxBinaryFilesPerChange} files, ${maxBinaryBytesPerChange / (1024 * 1024)} MiB)`;
    }
  }
  // Taken before the reads: the targets rendered alongside see what is left.
  budget.files -= binary.length;
  budget.bytes -= total;
  if (!snapshot.readBinary) return `not rendered: it reads the binary file ${binary[0]!.path}, and this source cannot read binary files`;
  let read: ReadonlyMap<string, Uint8Array | undefined>;
  try {
    read = await snapshot.readBinary(binary.map((b) => b.path));
  } catch (error) {
    return `not rendered: a binary file it reads could not be read: ${(error as Error).message}`;
  }
  const out: Record<string, string> = {};
  for (const { path, size } of binary) {
    const bytes = read.get(path);
    if (!bytes || bytes.byteLength !== size) return `not rendered: the binary file ${path} could not be read`;
    out[path] = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  }
  return out;
}
