import { randomBytes } from "node:crypto";
import type { GitgateConfig } from "../config/config-types.js";
import type { ChangeSet, FileContent } from "../engine/change-set.js";
import { mapConcurrent } from "../engine/map-concurrent.js";
import { discoverTargets } from "./discover-targets.js";
import { templateStarts } from "./helm-origins.js";
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
  const changed = [...byId.values()].filter(({ base, head }) => {
    const target = (head ?? base)!;
    return inputs.governed(target.file) && touched.some((path) => (base && dependsOn(base, path)) || (head && dependsOn(head, path)));
  });
  const bounds = { timeoutMs: config.render.timeoutMs, memoryMiB: config.render.memoryMiB, network: config.render.network };
  const render = async (target: RenderTarget, snapshot: TreeSnapshot) => {
    const { request, sources } = await requestFor(target, snapshot, config);
    const refusal = refusalOf(target, config.render.network);
    const outcome: RenderOutcome = refusal ? { ok: false, error: refusal, refused: true }
      : typeof request === "string" ? { ok: false, error: request }
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
  return outcome.ok && request.kind === "helm" ? { ...outcome, templates: templateStarts(outcome.yaml, request.sourceMarker, request.chart) } : outcome;
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

/** The files one version of a target is rendered from, read from its commit, and the request for the helper. */
async function requestFor(target: RenderTarget, snapshot: TreeSnapshot, config: GitgateConfig): Promise<{ request: HelperRequest | string; sources: Map<string, FileContent> }> {
  const wanted = snapshot.paths.filter((p) => target.dependsOn.files.includes(p) || target.dependsOn.folders.some((folder) => folder === "" || p.startsWith(`${folder}/`)));
  const read = await snapshot.read(wanted);
  const files: Record<string, string> = {};
  const sources = new Map<string, FileContent>();
  let bytes = 0;
  for (const path of wanted) {
    const content = read.get(path);
    if (content?.kind !== "text") continue;
    bytes += content.size;
    files[path] = content.text;
    // Source YAML is kept for tracing findings to a line; templates are not YAML.
    if (/\.ya?ml$/i.test(path) || /(^|\/)Kustomization$/.test(path)) sources.set(path, content);
  }
  if (bytes > maxSnapshotBytes) return { request: `not rendered: its files hold more than ${maxSnapshotBytes / (1024 * 1024)} MiB`, sources };
  if (target.kind === "kustomize") return { request: { kind: "kustomize", files, root: target.root }, sources };
  return {
    request: {
      kind: "helm",
      files,
      chart: target.root,
      values: (target.values ?? []).map((v) => ("path" in v ? { path: v.path } : { text: v.inline })),
      ...(target.release !== undefined ? { release: target.release } : {}),
      ...(target.namespace !== undefined ? { namespace: target.namespace } : {}),
      kubeVersion: config.kubernetesVersion,
      sourceMarker: `gitgate-source ${randomBytes(16).toString("hex")}`,
    },
    sources,
  };
}
