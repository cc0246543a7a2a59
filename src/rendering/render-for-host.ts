import { createMatcher } from "../config/check-globs.js";
import type { GitgateConfig } from "../config/config-types.js";
import { posix } from "node:path";
import type { ChangeSet, FileContent } from "../engine/change-set.js";
import { isContextFile } from "../engine/gitops-files.js";
import type { EvaluationHost } from "../evaluation/evaluation-types.js";
import { renderChange } from "./render-change.js";
import { findRenderHelper } from "./render-helper-binary.js";
import type { RenderedChange, TreeSnapshot } from "./render-types.js";

const gitopsWords = /^(kind:\s*["']?(Application|HelmRelease|Kustomization)\b|apiVersion:\s*["']?kustomize\.config\.k8s\.io\/)/m;

/**
 * Whether the change can touch a render target, told from what is already read, so a change with no
 * GitOps source in sight costs no listing of the repository (the App pays requests for it): a
 * kustomization or chart beside a changed file (the change set's head context), a changed file that is
 * one, a template, a values file, or a file declaring an Application, HelmRelease or kustomization;
 * always when the config lists targets. A values file with another name, far from any kustomization
 * and not named `*values*`, is not seen: list its chart in `render.helm`.
 */
export function mayTouchTargets(changes: ChangeSet, config: GitgateConfig): boolean {
  if (config.render.kustomize.length > 0 || config.render.helm.length > 0) return true;
  for (const [path, content] of changes.headContext ?? []) if (content && isContextFile(path)) return true;
  return changes.files.some((f) => [f.path, f.previousPath].some((p) => p !== undefined && (isContextFile(p) || /(^|\/)templates\//.test(p) || /values[^/]*\.ya?ml$/i.test(posix.basename(p))))
    || [f.before, f.after].some((c) => c?.kind === "text" && gitopsWords.test(c.text)));
}

/**
 * Renders the targets a change touches, reading base and head through the evaluation host (the CLI:
 * git). Runs in the evaluation worker: the helper processes it starts are its children, bounded in
 * time and memory, never work on the server's event loop. Undefined when rendering is off or the host
 * cannot list commits.
 */
export async function renderForHost(config: GitgateConfig, changes: ChangeSet, host: Pick<EvaluationHost, "treePaths" | "treeRead" | "treeReadBinary">): Promise<RenderedChange | undefined> {
  if (!config.render.enabled || !host.treePaths || !host.treeRead || !mayTouchTargets(changes, config)) return undefined;
  const snapshotOf = async (commit: string, side: "before" | "after"): Promise<TreeSnapshot | undefined> => {
    const paths = await host.treePaths!(commit);
    if (!Array.isArray(paths)) return undefined;
    // Files read once (finding targets reads most YAML files) are not asked for again when rendering,
    // and the change's own files, already read at both commits, are not read at all.
    const known = new Map<string, FileContent | undefined>();
    for (const f of changes.files) {
      const content = f[side];
      const path = side === "before" ? f.previousPath ?? f.path : f.path;
      if (content && content.kind !== "deferred") known.set(path, content);
    }
    const read = async (wanted: readonly string[]) => {
      const missing = wanted.filter((p) => !known.has(p));
      if (missing.length > 0) for (const [path, content] of await host.treeRead!(commit, missing)) known.set(path, content);
      return new Map(wanted.map((p) => [p, known.get(p)]));
    };
    // Binary files are read only when a target needs their bytes (see render-change.ts), each once.
    const binary = new Map<string, Uint8Array | undefined>();
    const readBinary = async (wanted: readonly string[]) => {
      const missing = wanted.filter((p) => !binary.has(p));
      if (missing.length > 0) for (const [path, bytes] of (await host.treeReadBinary!(commit, missing)) ?? []) binary.set(path, bytes);
      return new Map(wanted.map((p) => [p, binary.get(p)]));
    };
    return { paths, read, ...(host.treeReadBinary ? { readBinary } : {}) };
  };
  const [base, head] = await Promise.all([snapshotOf(changes.base, "before"), snapshotOf(changes.head, "after")]);
  if (!base || !head) return undefined;
  return renderChange(config, changes, { base, head, helper: findRenderHelper(), governed: createMatcher(config.files, config.ignore) });
}
