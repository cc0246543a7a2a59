import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/engine/report.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { brief } from "../support/parse-text.js";
import { runCli } from "../support/run-cli.js";

// `validate` of a repository judges its files on several threads, and a file of CRDs as soon as it is
// found when no CRD can change its verdict (it is parsed once, not twice). Whatever the number of
// threads, the report is the same: custom resources still wait for every CRD of the repository.
const crd = (kind: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${kind.toLowerCase()}s.acme.example.com
spec:
  group: acme.example.com
  scope: Namespaced
  names: { kind: ${kind}, plural: ${kind.toLowerCase()}s }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true }
`;
const resource = (kind: string) => `apiVersion: acme.example.com/v1\nkind: ${kind}\nmetadata:\n  name: x\n`;
const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicaz: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: web, image: "web:1" }]
`;

const files: Record<string, string> = {
  ".github/gitgate.yml": "version: 1\nschemas:\n  - files: \"k8s/**\"\n    schema: kubernetes\n",
  // Judged as found: a CRD and a built-in kind.
  "k8s/a-bundle.yaml": `${crd("Widget")}---\n${deployment}`,
  // Waits for the CRDs: a custom resource sits next to its neighbour's CRD.
  "k8s/b-mixed.yaml": `${crd("Gadget")}---\n${resource("Widget")}`,
  "k8s/c-gadget.yaml": resource("Gadget"),
  "k8s/d-broken-crd.yaml": crd("Sprocket").replace("scope: Namespaced", "scope: Namespaced\n  scopee: x"),
};
// Enough files for the stream to be judged on several threads.
for (let i = 0; i < 70; i++) files[`k8s/cm-${String(i).padStart(2, "0")}.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  k: v\n`;

let repo: TestRepo;
beforeAll(async () => {
  repo = await createTestRepo(files);
});
afterAll(() => repo.remove());

async function validate(threads: number): Promise<Report> {
  const run = await runCli(["validate", "--repo", repo.dir, "--format", "json"], { env: { ...process.env, GITGATE_EVALUATION_WORKERS: String(threads) } });
  if (run.stderr) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as Report;
}

describe("validate of a repository with files of CRDs", () => {
  it("reports the same on one thread and on three, on the exact lines", async () => {
    const one = await validate(1);
    expect(one.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
      "error schema/unknown-field k8s/a-bundle.yaml:21:3 new spec.replicaz is not a field the schema knows: did you mean `replicas`? (Kubernetes apps/v1 Deployment)",
      "error schema/unknown-field k8s/d-broken-crd.yaml:8:3 new spec.scopee is not a field the schema knows: did you mean `scope`? (Kubernetes apiextensions.k8s.io/v1 CustomResourceDefinition)",
      "notice schema/unknown-kind k8s/b-mixed.yaml:17:7 new No built-in schema for acme.example.com/v1 Widget (its CustomResourceDefinition is in k8s/a-bundle.yaml: name that file or its folder under `crds:` in the config to validate against it): not validated.",
      "notice schema/unknown-kind k8s/c-gadget.yaml:2:7 new No built-in schema for acme.example.com/v1 Gadget (its CustomResourceDefinition is in k8s/b-mixed.yaml: name that file or its folder under `crds:` in the config to validate against it): not validated.",
    ]);
    expect(one.summary.documents).toBe(76);
    expect(await validate(3)).toEqual(one);
  });

  it("says how to validate custom resources against the repository's CRDs, which then works", async () => {
    const small = await createTestRepo({
      ".github/gitgate.yml": "version: 1\nschemas:\n  - files: \"k8s/**\"\n    schema: kubernetes\n",
      "k8s/crd.yaml": crd("Widget").replace("x-kubernetes-preserve-unknown-fields: true", "properties: { spec: { type: object, properties: { size: { type: integer } } } }"),
      "k8s/widget.yaml": `${resource("Widget")}spec:\n  szie: 3\n`,
    });
    try {
      const report = async () => JSON.parse((await runCli(["validate", "--repo", small.dir, "--format", "json"])).stdout) as Report;
      expect((await report()).findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
        "notice schema/unknown-kind k8s/widget.yaml:2:7 new No built-in schema for acme.example.com/v1 Widget (its CustomResourceDefinition is in k8s/crd.yaml: name that file or its folder under `crds:` in the config to validate against it): not validated.",
      ]);
      await small.commit("main", {".github/gitgate.yml": "version: 1\ncrds: [k8s/crd.yaml]\nschemas:\n  - files: \"k8s/**\"\n    schema: kubernetes\n" });
      expect((await report()).findings.map(brief)).toEqual(["error schema/unknown-field k8s/widget.yaml:6:3 new"]);
    } finally {
      await small.remove();
    }
  });
});
