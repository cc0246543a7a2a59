import { createMatcher } from "../config/check-globs.js";
import type { GitgateConfig } from "../config/config-types.js";
import type { ChangeSet } from "../engine/change-set.js";
import type { EvaluationHost } from "../evaluation/evaluation-types.js";
import { renderChange } from "./render-change.js";
import { findRenderHelper } from "./render-helper-binary.js";
import type { RenderedChange, TreeSnapshot } from "./render-types.js";

/**
 * Renders the targets a change touches, reading base and head through the evaluation host (the CLI:
 * git). Runs in the evaluation worker: the helper processes it starts are its children, bounded in
 * time and memory, never work on the server's event loop. Undefined when rendering is off or the host
 * cannot list commits.
 */
export async function renderForHost(config: GitgateConfig, changes: ChangeSet, host: Pick<EvaluationHost, "treePaths" | "treeRead">): Promise<RenderedChange | undefined> {
  if (!config.render.enabled || !host.treePaths || !host.treeRead) return undefined;
  const snapshotOf = async (commit: string): Promise<TreeSnapshot | undefined> => {
    const paths = await host.treePaths!(commit);
    if (!Array.isArray(paths)) return undefined;
    return { paths, read: async (wanted) => new Map(await host.treeRead!(commit, [...wanted])) };
  };
  const [base, head] = await Promise.all([snapshotOf(changes.base), snapshotOf(changes.head)]);
  if (!base || !head) return undefined;
  return renderChange(config, changes, { base, head, helper: findRenderHelper(), governed: createMatcher(config.files, config.ignore) });
}
