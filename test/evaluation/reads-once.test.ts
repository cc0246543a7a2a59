import { afterAll, describe, expect, it } from "vitest";
import type { ChangeSet, ReadContent } from "../../src/engine/change-set.js";
import { EvaluationPool } from "../../src/evaluation/evaluation-pool.js";
import type { EvaluationHost } from "../../src/evaluation/evaluation-types.js";

// A repository's validate reads its files as the engine judges them (EvaluationHost.contents). Each is
// read once: a file the CRD pass can judge is judged then (before, every file was read twice, once to
// look for CRDs and once to be judged); only files waiting for the repository's CRDs are read again.
const config = "version: 1\nschemas:\n  - files: \"k8s/**\"\n    schema: kubernetes\n";
const files: Record<string, string> = {};
for (let i = 0; i < 80; i++) files[`k8s/cm-${String(i).padStart(2, "0")}.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  k: v\n`;
files["k8s/widget.yaml"] = "apiVersion: acme.example.com/v1\nkind: Widget\nmetadata:\n  name: w\n";

const pool = new EvaluationPool({ workers: 2 });
afterAll(() => pool.close());

describe("a streamed validate", () => {
  it("asks the host once for each file it can judge at once, again only for a custom resource", async () => {
    const asked: string[] = [];
    const host: EvaluationHost = {
      read: async (path) => (path === ".github/gitgate.yml" ? config : undefined),
      list: async () => [],
      changes: async (): Promise<ChangeSet> => ({ base: "(none)", head: "working tree", files: Object.keys(files).map((path) => ({ path, status: "added", after: { kind: "deferred" } })) }),
      contents: async (paths) => paths.map((path): ReadContent => {
        asked.push(path);
        return { kind: "text", text: files[path]!, size: Buffer.byteLength(files[path]!) };
      }),
    };
    const { report } = await pool.evaluate({}, host, { snapshot: true, today: "2026-12-01" });
    expect(report.summary.documents).toBe(81);
    expect(report.findings.map((f) => `${f.rule} ${f.path}:${f.line}`)).toEqual(["schema/unknown-kind k8s/widget.yaml:2"]);
    const times = new Map<string, number>();
    for (const path of asked) times.set(path, (times.get(path) ?? 0) + 1);
    expect(Object.fromEntries([...times].filter(([, n]) => n > 1))).toEqual({ "k8s/widget.yaml": 2 });
    expect(times.size).toBe(81);
  });
});
