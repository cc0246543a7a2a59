import { describe, expect, it } from "vitest";
import { loadControlPlane } from "../../src/config/load-control-plane.js";
import { memoryReader } from "../../src/config/repo-reader.js";
import type { FileChange, FileContent } from "../../src/engine/change-set.js";
import { evaluateChangeSet } from "../../src/engine/evaluate-change-set.js";
import { createRegoCompiler } from "../../src/opa/compile-rego.js";
import { text } from "../support/parse-text.js";

// The CLI's validate lists a working tree and hands the engine each file's content only when it judges
// that file (so memory does not grow with the repository). A deferred file must be judged exactly as
// a file read up front, its CRDs must still apply to other files, and one that can no longer be read
// must fail, never pass silently.
const config = "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\n";
const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.com }
spec:
  group: example.com
  names: { kind: Widget, plural: widgets }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: { type: object, properties: { size: { type: integer } } }
`;
const files: Record<string, string> = {
  "k8s/crd.yaml": crd,
  "k8s/widget.yaml": "apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\nspec: { size: big, colour: red }\n",
  "k8s/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: d }\nspec:\n  replicass: 2\n  selector: {}\n  template: { spec: { containers: [] } }\n",
};

async function judge(deferred: boolean, load: (path: string) => Promise<FileContent | undefined>) {
  const plane = await loadControlPlane(memoryReader({ ".github/gitgate.yml": config }), { compileRego: createRegoCompiler() });
  const changes: FileChange[] = Object.entries(files).map(([path, t]) => ({ path, status: "added", after: deferred ? { kind: "deferred" } : text(t) }));
  return evaluateChangeSet(plane, { base: "(none)", head: "working tree", files: changes, load }, { snapshot: true, today: "2026-06-01" });
}

describe("files read when judged (deferred content)", () => {
  it("are judged exactly as files read up front, CRDs among them included", async () => {
    const read: string[] = [];
    const lazy = await judge(true, async (path) => {
      read.push(path);
      return text(files[path]!);
    });
    const eager = await judge(false, () => Promise.reject(new Error("nothing is deferred")));
    expect(lazy).toEqual(eager);
    expect(lazy.summary.documents).toBe(3);
    expect(lazy.findings.map((f) => `${f.path}:${f.line} ${f.rule}`)).toEqual(expect.arrayContaining([
      "k8s/deploy.yaml:5 schema/unknown-field",
      "k8s/widget.yaml:2 schema/unknown-kind",
    ]));
    // The CRD was found in a deferred file: the custom resource is told where its CRD is.
    expect(lazy.findings.find((f) => f.path === "k8s/widget.yaml")?.message).toContain("k8s/crd.yaml");
    expect(new Set(read)).toEqual(new Set(Object.keys(files)));
  });

  it("fail closed when one can no longer be read", async () => {
    const report = await judge(true, async (path) => (path === "k8s/deploy.yaml" ? undefined : text(files[path]!)));
    expect(report.conclusion).toBe("failure");
    expect(report.findings).toContainEqual(expect.objectContaining({ path: "k8s/deploy.yaml", rule: "file/unreadable", severity: "error" }));
  });
});
