import { describe, expect, it } from "vitest";
import { loadControlPlane } from "../../src/config/load-control-plane.js";
import { memoryReader } from "../../src/config/repo-reader.js";
import type { FileChange } from "../../src/engine/change-set.js";
import { changeCrds } from "../../src/engine/change-crds.js";
import type { StreamedFile } from "../../src/engine/judge-change.js";
import { defaultParseLimits } from "../../src/engine/parse/parse-limits.js";
import { createRegoCompiler } from "../../src/opa/compile-rego.js";
import { text } from "../support/parse-text.js";

// A repository's validate judges most files while it looks for the change's CRDs. Each outcome must be
// handed on as the stream goes, in the change's order: holding them all to the end made the judging
// thread's memory grow with the number of files.
const config = "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\n";
const fileCount = 1000;

describe("the look for a change's CRDs", () => {
  it("hands on each judged file's outcome in the change's order while the stream is still being read", async () => {
    const plane = await loadControlPlane(memoryReader({ ".github/gitgate.yml": config }), { compileRego: createRegoCompiler() });
    const paths = Array.from({ length: fileCount }, (_, i) => `k8s/app-${String(i).padStart(3, "0")}.yaml`);
    const files: FileChange[] = paths.map((path) => ({ path, status: "added", after: { kind: "deferred" } }));
    const loaded: string[] = [];
    let othersRead = () => {};
    const allOthersRead = new Promise<void>((resolve) => (othersRead = resolve));
    const taken: { path: string; loadedBefore: number }[] = [];
    const crds = await changeCrds(plane, {
      base: "(none)",
      head: "working tree",
      files,
      load: async (path) => {
        loaded.push(path);
        // Files finish out of order: every tenth takes a little longer, and the first until every other
        // file has been read, or for 200 ms when the stream waits for it (as it should) before that.
        const index = paths.indexOf(path);
        if (index === 0) await Promise.race([allOthersRead, new Promise((resolve) => setTimeout(resolve, 200))]);
        else if (index % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
        if (loaded.length === fileCount) othersRead();
        return text(`apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n`);
      },
    }, defaultParseLimits, async (change) => ({ crds: [], judged: outcome(change.path) }), (judged) => {
      taken.push({ path: judged.path, loadedBefore: loaded.length });
    });
    expect(crds).toBeUndefined();
    expect(taken.map((t) => t.path)).toEqual(paths);
    // Handed on while at most 512 later files were started (then the stream waits for the slow one),
    // not after the last file was read.
    for (const [i, t] of taken.entries()) expect(t.loadedBefore).toBeLessThanOrEqual(i + 1 + 512);
  });
});

function outcome(path: string): StreamedFile {
  return { path, findings: [], documents: 1, secrets: [], objects: [], lines: [] };
}
