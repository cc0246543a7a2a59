import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { brief } from "../support/parse-text.js";
import { checkJson } from "../support/run-cli.js";

const kubernetesConfig = "version: 1\nschemas:\n  - files: \"**\"\n    schema: kubernetes\n";

describe("the default file size limit lets real repositories through", () => {
  let repo: TestRepo;
  // kube-prometheus' largest manifest (grafana-dashboardDefinitions.yaml) is 1.05 MB.
  const dashboards = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dashboards\ndata:\n  big.json: "${"x".repeat(1_100_000)}"\n`;
  const huge = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\ndata:\n  big.json: "${"x".repeat(4 * 1024 * 1024)}"\n`;
  beforeAll(async () => {
    repo = await createTestRepo({ ".github/gitgate.yml": kubernetesConfig });
    await repo.branch("dashboards", "main", { "manifests/dashboards.yaml": dashboards, "manifests/huge.yaml": huge });
  });
  afterAll(() => repo.remove());

  it("validates a 1.1 MB manifest under the default limit (4 MiB) and refuses a file over it", async () => {
    const { report } = await checkJson(repo.dir, "dashboards");
    expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
      `error file/too-large manifests/huge.yaml:1:1 new File is ${Buffer.byteLength(huge)} bytes, over the 4194304-byte limit: not validated.`,
    ]);
    expect(report.summary).toMatchObject({ governedFiles: 2, documents: 1 });
  });
});

describe("Helm charts: templates are named, not parsed; Chart.yaml and values stay governed", () => {
  let repo: TestRepo;
  const template = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicas }}\n{{- with .Values.extra }}\n  {{- toYaml . | nindent 2 }}\n{{- end }}\n";
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\n",
      "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n",
      "charts/web/values.yaml": "replicas: 2\n",
      "charts/web/templates/deployment.yaml": "# placeholder\n",
    });
    // Only the template and the values change: the Chart.yaml at the head is looked up, not in the change.
    await repo.branch("template", "main", {
      "charts/web/templates/deployment.yaml": template,
      "charts/web/values.yaml": "replicas: 2\nreplicas: 3\n",
    });
    // A `templates/` folder with no Chart.yaml beside it is not a chart: its files are plain YAML.
    await repo.branch("not-a-chart", "main", { "ops/templates/job.yaml": template });
  });
  afterAll(() => repo.remove());

  it("says a template is not validated on its own, judges what the chart renders, and still judges the chart's values", async () => {
    const { status, report } = await checkJson(repo.dir, "template");
    expect(status).toBe(1);
    // Nothing deploys the chart: it is rendered with its own values, and the Deployment it renders is judged.
    const rendered = "[rendered Deployment web, field /spec, Helm target charts/web (its own values: nothing in this repository gives it values), traced to this template]";
    expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
      `error schema/required charts/web/templates/deployment.yaml:1:1 new spec: missing required property "selector" (Kubernetes apps/v1 Deployment) ${rendered}`,
      `error schema/required charts/web/templates/deployment.yaml:1:1 new spec: missing required property "template" (Kubernetes apps/v1 Deployment) ${rendered}`,
      "error yaml/duplicate-key charts/web/values.yaml:2:1 new Duplicate key replicas: tools disagree on which value wins. Keep one.",
      "notice file/helm-template charts/web/templates/deployment.yaml:1:1 new Helm template: not YAML until Helm renders it, so not validated on its own. " +
        "What the chart renders is validated with the values an Argo CD Application, a Flux HelmRelease or `render.helm` gives it, else with its own values.yaml. " +
        "The chart's values files and Chart.yaml are validated.",
    ]);
  });

  it("parses a file under a templates/ folder that no Chart.yaml makes a chart", async () => {
    const { status, report } = await checkJson(repo.dir, "not-a-chart");
    expect(status).toBe(1);
    expect(report.findings.map((f) => f.rule)).not.toContain("file/helm-template");
    expect(report.findings[0]).toMatchObject({ rule: "yaml/syntax", path: "ops/templates/job.yaml", line: 7 });
  });
});

describe("Kustomize patches are validated as patches", () => {
  let repo: TestRepo;
  const kustomization = [
    "apiVersion: kustomize.config.k8s.io/v1beta1",
    "kind: Kustomization",
    "resources: [../../base]",
    "patches:",
    "  - path: replicas.yaml",
    "  - path: patches/image.yaml",
    "    target: { kind: Deployment, name: web }",
    "patchesStrategicMerge:",
    "  - sidecar.yaml",
    "",
  ].join("\n");
  const replicas = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: three\n  selectr: {}\n";
  const sidecar = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: sidecar\n          $patch: delete\n";
  const json6902 = "- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: nginx:1.27\n";
  beforeAll(async () => {
    repo = await createTestRepo({
      // The overlay's base is not in this repository: rendering it is test/rendering's subject, not this one's.
      ".github/gitgate.yml": `${kubernetesConfig}render: false\n`,
      "overlays/prod/kustomization.yaml": kustomization,
    });
    // The kustomization is at the base, unchanged: the patches alone are in the change.
    await repo.branch("patches", "main", {
      "overlays/prod/replicas.yaml": replicas,
      "overlays/prod/sidecar.yaml": sidecar,
      "overlays/prod/patches/image.yaml": json6902,
      "overlays/prod/standalone.yaml": replicas,
    });
  });
  afterAll(() => repo.remove());

  it("checks types and field names of a strategic-merge patch, not its required fields, and says so", async () => {
    const { report } = await checkJson(repo.dir, "patches");
    const patchNotice = "Kustomize patch named by overlays/prod/kustomization.yaml: validated as a partial object (field names and types; " +
      "required fields are not checked, the object it patches provides them).";
    expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
      "error schema/type overlays/prod/replicas.yaml:6:13 new spec.replicas must be an integer (Kubernetes apps/v1 Deployment)",
      "error schema/unknown-field overlays/prod/replicas.yaml:7:3 new spec.selectr is not a field the schema knows: did you mean `selector`? (Kubernetes apps/v1 Deployment)",
      // The same text outside any kustomization is a whole object: its missing fields are errors.
      "error schema/required overlays/prod/standalone.yaml:5:1 new spec: missing required property \"selector\" (Kubernetes apps/v1 Deployment)",
      "error schema/required overlays/prod/standalone.yaml:5:1 new spec: missing required property \"template\" (Kubernetes apps/v1 Deployment)",
      "error schema/type overlays/prod/standalone.yaml:6:13 new spec.replicas must be an integer (Kubernetes apps/v1 Deployment)",
      "error schema/unknown-field overlays/prod/standalone.yaml:7:3 new spec.selectr is not a field the schema knows: did you mean `selector`? (Kubernetes apps/v1 Deployment)",
      "notice file/json6902-patch overlays/prod/patches/image.yaml:1:1 new JSON 6902 patch named by overlays/prod/kustomization.yaml: " +
        "a list of operations, not a Kubernetes object: not schema-validated.",
      `notice file/kustomize-patch overlays/prod/replicas.yaml:1:1 new ${patchNotice}`,
      `notice file/kustomize-patch overlays/prod/sidecar.yaml:1:1 new ${patchNotice}`,
    ]);
  });
});
