import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/engine/report.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { runCli } from "../support/run-cli.js";

const service = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selectr:
    app: web
  ports:
    - port: 80
      protocl: TCP
`;

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: { any-label: allowed }
spec:
  replica: 3
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: nginx:1.27
          resources:
            limits: { cpu: 500m, memory: 256Mi }
          completelyMadeUp: true
`;

const list = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: a
    data:
      key: value
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: 7
    dat:
      key: value
`;

const oldApis = `apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
  maxReplicas: 3
---
apiVersion: v1
kind: Endpoints
metadata:
  name: external
subsets: []
`;

// Fields named description and x-kubernetes-* are real here, though kubernetes-models' validators omit them.
const describedTypes = `apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: high
value: 1000
description: For the checkout path.
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
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
          description: A widget.
          properties:
            spec:
              type: object
              x-kubernetes-preserve-unknown-fields: true
              descripton: misspelt
`;

const custom = `apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
`;

let configs = 0;

/** `gitgate validate --config` with this config text, on one file. */
async function validate(repo: TestRepo, config: string, file: string) {
  const configFile = join(repo.dir, `config-${++configs}.yml`);
  await writeFile(configFile, config);
  return runCli(["validate", "--repo", repo.dir, "--format", "json", "--config", configFile, file]);
}

async function findings(repo: TestRepo, config: string, file: string): Promise<{ status: number; lines: string[] }> {
  const run = await validate(repo, config, file);
  const report = JSON.parse(run.stdout) as Report;
  return {
    status: run.status,
    lines: report.findings.map((f) => `${f.severity} ${f.rule} ${f.path}:${f.line}:${f.column} ${f.message}`),
  };
}

describe("built-in Kubernetes schemas are strict", () => {
  let repo: TestRepo;
  const config = (extra = "") => `version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\n${extra}`;
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": config(),
      "k8s/service.yaml": service,
      "k8s/deployment.yaml": deployment,
      "k8s/list.yaml": list,
      "k8s/old.yaml": oldApis,
      "k8s/custom.yaml": custom,
      "k8s/own-group.yaml": "apiVersion: apps/v1\nkind: deployment\nmetadata:\n  name: a\n---\napiVersion: apps/v1beta3\nkind: Deployment\nmetadata:\n  name: b\n",
      "k8s/described.yaml": describedTypes,
      "k8s/bad-lists.yaml": "apiVersion: v1\nkind: List\nitems: none\n---\napiVersion: v1\nkind: List\n",
    });
  });
  afterAll(() => repo.remove());
  const run = (file: string, extra = "") => findings(repo, config(extra), `${repo.dir}/k8s/${file}`);

  it("reports an unknown field on its key, with the field it most likely meant", async () => {
    expect(await run("service.yaml")).toEqual({
      status: 1,
      lines: [
        "error schema/unknown-field k8s/service.yaml:6:3 spec.selectr is not a field the schema knows: did you mean `selector`? (Kubernetes v1 Service)",
        "error schema/unknown-field k8s/service.yaml:10:7 spec.ports[0].protocl is not a field the schema knows: did you mean `protocol`? (Kubernetes v1 Service)",
      ],
    });
  });

  it("leaves maps (labels, resources) open and names no field when none is close", async () => {
    expect((await run("deployment.yaml")).lines).toEqual([
      "error schema/unknown-field k8s/deployment.yaml:7:3 spec.replica is not a field the schema knows: did you mean `replicas`? (Kubernetes apps/v1 Deployment)",
      "error schema/unknown-field k8s/deployment.yaml:19:11 spec.template.spec.containers[0].completelyMadeUp is not a field the schema knows (Kubernetes apps/v1 Deployment)",
    ]);
  });

  it("knows the description and x-kubernetes-* fields the compiled validators omit", async () => {
    expect((await run("described.yaml")).lines).toEqual([
      "error schema/unknown-field k8s/described.yaml:28:15 spec.versions[0].schema.openAPIV3Schema.properties.spec.descripton is not a field the schema knows: did you mean `description`? (Kubernetes apiextensions.k8s.io/v1 CustomResourceDefinition)",
    ]);
  });

  it("allows unknown fields with strict: false", async () => {
    expect(await run("service.yaml", "    strict: false\n")).toEqual({ status: 0, lines: [] });
  });

  it("judges each item of a v1 List on the item's own lines", async () => {
    expect((await run("list.yaml")).lines).toEqual([
      "error schema/type k8s/list.yaml:13:13 items[1].metadata.name must be a string (Kubernetes v1 ConfigMap)",
      "error schema/unknown-field k8s/list.yaml:14:5 items[1].dat is not a field the schema knows: did you mean `data`? (Kubernetes v1 ConfigMap)",
    ]);
  });

  it("rejects a v1 List without a list of items", async () => {
    expect((await run("bad-lists.yaml")).lines).toEqual([
      "error schema/type k8s/bad-lists.yaml:3:8 items must be an array (Kubernetes v1 List)",
      'error schema/required k8s/bad-lists.yaml:5:1 A v1 List must have "items": the objects it holds.',
    ]);
  });

  it("rejects a removed API version naming its replacement, and warns of a deprecated one", async () => {
    expect((await run("old.yaml")).lines).toEqual([
      "error schema/removed-api k8s/old.yaml:1:13 autoscaling/v2beta2 HorizontalPodAutoscaler was removed in Kubernetes 1.26: use autoscaling/v2 (target: Kubernetes 1.36).",
      "warning schema/deprecated-api k8s/old.yaml:9:13 v1 Endpoints is deprecated since Kubernetes 1.33: use discovery.k8s.io/v1 EndpointSlice.",
    ]);
  });

  it("judges API versions for the configured Kubernetes release", async () => {
    expect((await run("old.yaml", "kubernetes_version: '1.25'\n")).lines).toEqual([
      "warning schema/deprecated-api k8s/old.yaml:1:13 autoscaling/v2beta2 HorizontalPodAutoscaler is deprecated since Kubernetes 1.23 and is removed in 1.26: use autoscaling/v2.",
    ]);
  });

  it("notes a kind without a schema by default, and rejects it only with strict: true", async () => {
    expect((await run("custom.yaml")).lines).toEqual([
      "notice schema/unknown-kind k8s/custom.yaml:2:7 No built-in schema for example.com/v1 Widget: not validated.",
    ]);
    expect((await run("custom.yaml", "    strict: true\n")).lines).toEqual([
      "error schema/unknown-kind k8s/custom.yaml:2:7 No built-in schema for example.com/v1 Widget: not allowed with strict.",
    ]);
    expect((await run("custom.yaml", "    strict: false\n")).status).toBe(0);
  });

  // `kind: deployment` was a notice and passed: no CRD can add a kind to Kubernetes' own groups, and
  // kubectl says "no matches for kind". A version Gitgate's schemas lack may be one the cluster serves.
  it("rejects a kind of Kubernetes' own groups in the wrong case, and names the version it knows of one it lacks", async () => {
    expect((await run("own-group.yaml")).lines).toEqual([
      "error schema/unknown-kind k8s/own-group.yaml:2:7 Kubernetes serves no apps/v1 deployment: did you mean apps/v1 Deployment? (kubectl: no matches for kind)",
      "notice schema/unknown-kind k8s/own-group.yaml:7:7 No built-in schema for apps/v1beta3 Deployment (Gitgate knows apps/v1 Deployment): not validated.",
    ]);
  });

  it("rejects a kubernetes_version that is not 1.N", async () => {
    const result = await validate(repo, config("kubernetes_version: '1.x'\n"), `${repo.dir}/k8s/custom.yaml`);
    expect(result.status).not.toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.findings.map((f) => `${f.rule} ${f.message}`)).toContain("config/invalid kubernetes_version must match the pattern ^1\\.(0|[1-9][0-9]{0,2})$");
  });
});
