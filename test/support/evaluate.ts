import { loadControlPlane } from "../../src/config/load-control-plane.js";
import { memoryReader } from "../../src/config/repo-reader.js";
import { createRegoCompiler } from "../../src/opa/compile-rego.js";
import type { FileChange } from "../../src/engine/change-set.js";
import { evaluateChangeSet } from "../../src/engine/evaluate-change-set.js";
import { text } from "./parse-text.js";

/** Evaluates in memory: `base` is the repository at the base commit, `changes` maps path to new content. */
export async function evaluate(base: Record<string, string>, changes: Record<string, string | null>) {
  const plane = await loadControlPlane(memoryReader(base), { compileRego: createRegoCompiler() });
  const files: FileChange[] = Object.entries(changes).map(([path, after]) => ({
    path,
    status: after === null ? "removed" : base[path] === undefined ? "added" : "modified",
    ...(base[path] !== undefined ? { before: text(base[path]) } : {}),
    ...(after !== null ? { after: text(after) } : {}),
  }));
  return evaluateChangeSet(plane, { base: "base", head: "head", files }, { today: "2026-06-01" });
}
