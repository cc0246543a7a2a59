import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/engine/report.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { brief } from "../support/parse-text.js";
import { checkJson, runCli } from "../support/run-cli.js";

// Chart.yaml is governed (a chart whose Chart.yaml is not is not rendered) but is no Kubernetes object.
const config = "version: 1\nschemas:\n  - files: [\"apps/prod/web.yaml\", \"clusters/**\"]\n    schema: kubernetes\npolicies:\n  builtin: [kubernetes]\n";
const pod = (name: string, privileged: boolean) => [
  "apiVersion: v1",
  "kind: Pod",
  "metadata:",
  `  name: ${name}`,
  "spec:",
  "  containers:",
  "    - name: main",
  "      image: nginx:1.27.0",
  "      securityContext:",
  `        privileged: ${privileged}`,
  "",
].join("\n");
// Deploys apps/prod as plain manifests: Flux's kustomize-controller applies every manifest below the
// path, Chart.yaml (no kind) aside, so a Chart.yaml there does not stop templates/ from being deployed.
const fluxKustomization = [
  "apiVersion: kustomize.toolkit.fluxcd.io/v1",
  "kind: Kustomization",
  "metadata:",
  "  name: apps",
  "  namespace: flux-system",
  "spec:",
  "  interval: 10m",
  "  path: ./apps/prod",
  "  prune: true",
  "  sourceRef:",
  "    kind: GitRepository",
  "    name: flux-system",
  "",
].join("\n");
const template = [
  "apiVersion: v1",
  "kind: ConfigMap",
  "metadata:",
  "  name: {{ .Release.Name }}-settings",
  "data:",
  "  replicas: {{ .Values.replicas | quote }}",
  "  mode: {{ required \"mode is required\" .Values.mode }}",
  "",
].join("\n");

const newFindings = (report: Report, rules: string[]) => report.findings.filter((f) => f.status === "new" && rules.includes(f.rule)).map((f) => `${brief(f)} ${f.message}`);

describe("a chart nothing in the repository deploys is rendered with its own values", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": config,
      "clusters/prod/apps.yaml": fluxKustomization,
      "apps/prod/web.yaml": pod("web", false),
      "charts/settings/Chart.yaml": "apiVersion: v2\nname: settings\nversion: 0.1.0\n",
      "charts/settings/values.yaml": "replicas: 2\nmode: fast\n",
      "charts/settings/templates/configmap.yaml": template,
      "charts/settings/templates/extra.yaml": "{{ .Files.Get \"files/security/extra.txt\" }}\n",
      "charts/settings/files/security/extra.txt": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n",
    });
    // A Chart.yaml turns the folder's templates/ into Helm templates, which were not judged at all.
    await repo.branch("hidden-by-a-chart", "main", {
      "apps/prod/Chart.yaml": "apiVersion: v2\nname: prod\nversion: 0.1.0\n",
      "apps/prod/templates/debug.yaml": pod("debug", true),
    });
    // A subchart is rendered through its parent; a library chart renders nothing on its own.
    await repo.branch("subchart-and-library", "main", {
      "charts/settings/charts/extra/Chart.yaml": "apiVersion: v2\nname: extra\nversion: 0.1.0\n",
      "charts/settings/charts/extra/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n",
      "charts/common/Chart.yaml": "apiVersion: v2\nname: common\nversion: 0.1.0\ntype: library\n",
      "charts/common/templates/_labels.tpl": "{{- define \"common.labels\" }}app: x{{ end }}\n",
    });
    // Helm calls a subchart by its alias (or its Chart.yaml's name), not by its folder.
    await repo.branch("aliased-subchart", "main", {
      "charts/settings/Chart.yaml": "apiVersion: v2\nname: settings\nversion: 0.1.0\ndependencies:\n  - name: redis\n    version: 0.1.0\n    alias: cache\n",
      "charts/settings/charts/redis-sub/Chart.yaml": "apiVersion: v2\nname: redis\nversion: 0.1.0\n",
      "charts/settings/charts/redis-sub/templates/pod.yaml": pod("cache", true),
      // Helm's loader skips a folder named `_…`: no candidate, whatever its chart's name.
      "charts/settings/charts/_redis-old/Chart.yaml": "apiVersion: v2\nname: redis\nversion: 0.0.1\n",
      "charts/settings/charts/_redis-old/templates/pod.yaml": pod("old", false),
    });
    // Helm reads a requirements.yaml's dependencies (aliases too) over Chart.yaml's: nothing is credited through it.
    await repo.branch("requirements", "aliased-subchart", {
      "charts/settings/requirements.yaml": "dependencies:\n  - name: redis\n    version: 0.1.0\n    alias: cache\n",
      "charts/settings/charts/_redis-old/Chart.yaml": null, "charts/settings/charts/_redis-old/templates/pod.yaml": null,
    });
    // A template's output may say anything, a "# Source:" line too: only the helper's own headers count.
    await repo.branch("forged-source", "main", {
      "charts/settings/templates/agent.yaml": `# Source: settings/../../apps/prod/web.yaml\n${pod("agent", true)}`,
    });
    // A file the chart reads with .Files.Get changes what it renders, though no template changes.
    await repo.branch("files-get", "main", { "charts/settings/files/security/extra.txt": pod("extra", true) });
    // Moving a chart's folder moves its target: compared with what it rendered before, nothing is new.
    await repo.branch("moved", "main", {
      "charts/settings/Chart.yaml": null, "charts/settings/values.yaml": null, "charts/settings/templates/configmap.yaml": null,
      "charts/settings/templates/extra.yaml": null, "charts/settings/files/security/extra.txt": null,
      "charts/moved/Chart.yaml": "apiVersion: v2\nname: settings\nversion: 0.1.0\n", "charts/moved/values.yaml": "replicas: 2\nmode: fast\n",
      "charts/moved/templates/configmap.yaml": template, "charts/moved/templates/extra.yaml": "{{ .Files.Get \"files/security/extra.txt\" }}\n",
      "charts/moved/files/security/extra.txt": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n",
    });
    await repo.branch("needs-a-value", "main", { "charts/settings/values.yaml": "replicas: 2\n" });
    // On a chart that already did not render, a template that is not YAML as it is could hide anything.
    await repo.branch("broken-chart-grows", "needs-a-value", {
      "charts/settings/templates/debug.yaml": `{{- if .Values.debug | default true }}\n${pod("debug", true)}{{- end }}\n`,
    });
    // A template the values here turn off: whatever turns it on elsewhere deploys it unjudged.
    await repo.branch("switched-off", "main", {
      "charts/settings/templates/debug.yaml": `{{- if .Values.debug }}\n${pod("debug", true)}{{- end }}\n`,
      "charts/settings/templates/_more.yaml": "{{- define \"settings.more\" }}x: 1{{ end }}\n",
      // Helm renders it whatever its name, though the `files` globs do not govern it.
      "charts/settings/templates/debug.tpl": `{{- if .Values.debug }}\n${pod("debug-tpl", true)}{{- end }}\n`,
    });
    await repo.branch("template-edit", "main", { "charts/settings/templates/configmap.yaml": template.replace("settings", "config") });
  });
  afterAll(() => repo.remove());

  it("judges plain manifests a new Chart.yaml makes templates, on their own line", async () => {
    const { status, report } = await checkJson(repo.dir, "hidden-by-a-chart");
    expect(status).toBe(1);
    // The pod breaks more built-in policies (resources, runAsNonRoot): they land on the same file.
    expect(report.findings.filter((f) => f.status === "new").map((f) => f.path)).toEqual(Array(7).fill("apps/prod/templates/debug.yaml"));
    expect(newFindings(report, ["k8s/privileged", "file/helm-template"])).toEqual([
      "error k8s/privileged apps/prod/templates/debug.yaml:10:21 new container \"main\" runs privileged: it has full access to the node " +
        "[rendered Pod debug, field /spec/containers/0/securityContext/privileged, " +
        "Helm target apps/prod (its own values: nothing in this repository gives it values), traced to this template]",
      "notice file/helm-template apps/prod/templates/debug.yaml:1:1 new Helm template: not YAML until Helm renders it, so not validated on its own. " +
        "What the chart renders is validated with the values an Argo CD Application, a Flux HelmRelease or `render.helm` gives it, else with its own values.yaml. " +
        "The chart's values files and Chart.yaml are validated.",
    ]);
  });

  it("fails a chart that no longer renders with its own values on its Chart.yaml, saying how to give it values", async () => {
    const { status, report } = await checkJson(repo.dir, "needs-a-value");
    expect(status).toBe(1);
    const failed = report.findings.filter((f) => f.rule === "render/failed");
    expect(failed.map(brief)).toEqual(["error render/failed charts/settings/Chart.yaml:1:1 new"]);
    expect(failed[0]!.message).toMatch(/^Helm target charts\/settings \(its own values: nothing in this repository gives it values\): rendering failed: .*mode is required/);
  });

  it("fails a change to a chart that did not render before either: what it deploys cannot be judged", async () => {
    const run = await runCli(["check", "--repo", repo.dir, "--base", "needs-a-value", "--head", "broken-chart-grows", "--format", "json"]);
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.findings.filter((f) => f.severity === "error").map(brief)).toEqual(["error render/failed charts/settings/Chart.yaml:1:1 new"]);
  });

  it("warns on a changed template no render makes anything of: other values may turn it on", async () => {
    const { status, report } = await checkJson(repo.dir, "switched-off");
    expect(status).toBe(0);
    expect(report.findings.filter((f) => f.path.startsWith("charts/settings/templates/")).map((f) => `${brief(f)} ${f.message}`)).toEqual([
      expect.stringMatching(/^warning file\/helm-template-empty charts\/settings\/templates\/debug.tpl:1:1 new No render of this chart made anything of this template /),
      "warning file/helm-template-empty charts/settings/templates/debug.yaml:1:1 new No render of this chart made anything of this template " +
        "(charts/settings (its own values: nothing in this repository gives it values)), so what it holds is not judged: whatever deploys it with other values " +
        "that turn it on deploys it unchecked. Give those values in `render.helm` to have it judged, or, if it only defines named templates, name it `_<name>.tpl` as Helm expects. " +
        "(Gitgate renders as `helm template` does: an install, on a cluster with only the built-in API versions, so a template that waits for an upgrade or a CRD's API renders nothing here either.)",
      // A partial is rendered only where another template includes it.
      expect.stringMatching(/^notice file\/helm-template charts\/settings\/templates\/_more.yaml:1:1 new /),
    ]);
  });

  it("previews what a template change does to the chart's objects", async () => {
    const { status, report } = await checkJson(repo.dir, "template-edit");
    expect(status).toBe(0);
    expect(report.rendered?.targets.map((t) => [t.target, t.diff.objects.map((o) => `${o.status} ${o.id}`)])).toEqual([
      ["charts/settings (its own values: nothing in this repository gives it values)", ["added v1 ConfigMap settings-config", "removed v1 ConfigMap settings-settings"]],
    ]);
  });

  it("renders a subchart through its parent, and a library chart not at all", async () => {
    const { status, report } = await checkJson(repo.dir, "subchart-and-library");
    expect(status).toBe(0);
    expect(report.rendered?.targets.map((t) => [t.target, t.diff.objects.map((o) => `${o.status} ${o.id}`)])).toEqual([
      ["charts/settings (its own values: nothing in this repository gives it values)", ["added v1 ConfigMap extra"]],
    ]);
  });

  it("traces a subchart's objects to its folder, whatever name or alias Helm calls it by", async () => {
    const { status, report } = await checkJson(repo.dir, "aliased-subchart");
    expect(status).toBe(1);
    expect(report.findings.filter((f) => ["k8s/privileged", "file/helm-template", "file/helm-template-empty"].includes(f.rule)).map(brief)).toEqual([
      "error k8s/privileged charts/settings/charts/redis-sub/templates/pod.yaml:10:21 new",
      "notice file/helm-template charts/settings/charts/redis-sub/templates/pod.yaml:1:1 new",
    ]);
  });

  it("credits no subchart folder through a requirements.yaml", async () => {
    const run = await runCli(["check", "--repo", repo.dir, "--base", "aliased-subchart", "--head", "requirements", "--format", "json"]);
    expect((JSON.parse(run.stdout) as Report).findings.filter((f) => f.rule === "k8s/privileged").map(brief)).toEqual(["error k8s/privileged charts/settings/Chart.yaml:1:1 existing"]);
  });

  it("renders a chart when a file its templates read changes", async () => {
    const { status, report } = await checkJson(repo.dir, "files-get");
    expect(status).toBe(1);
    expect(newFindings(report, ["k8s/privileged"])).toEqual([
      "error k8s/privileged charts/settings/templates/extra.yaml:1:1 new container \"main\" runs privileged: it has full access to the node " +
        "[rendered Pod extra, field /spec/containers/0/securityContext/privileged, " +
        "Helm target charts/settings (its own values: nothing in this repository gives it values), traced to this template]",
    ]);
  });

  it("compares a moved chart with what it rendered before its move", async () => {
    const { status, report } = await checkJson(repo.dir, "moved");
    expect(status).toBe(0);
    expect(report.rendered?.targets.map((t) => [t.target, t.diff.objects.length])).toEqual([["charts/moved (its own values: nothing in this repository gives it values)", 0]]);
  });

  it("traces a finding to the template that made the object, whatever Source line the template writes", async () => {
    const { report } = await checkJson(repo.dir, "forged-source");
    expect(newFindings(report, ["k8s/privileged"])).toEqual([
      "error k8s/privileged charts/settings/templates/agent.yaml:11:21 new container \"main\" runs privileged: it has full access to the node " +
        "[rendered Pod agent, field /spec/containers/0/securityContext/privileged, " +
        "Helm target charts/settings (its own values: nothing in this repository gives it values), traced to this template]",
    ]);
  });
});

describe("a template Helm makes nothing of, that reads as a manifest, is judged as one", () => {
  let repo: TestRepo;
  const chart = "apiVersion: v2\nname: prod\nversion: 0.1.0\n";
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": config,
      "clusters/prod/apps.yaml": fluxKustomization,
      "apps/prod/web.yaml": pod("web", false),
    });
    // Each hides the Pod from Helm, not from a tool applying apps/prod as plain files.
    await repo.branch("library", "main", { "apps/prod/Chart.yaml": `${chart}type: library\n`, "apps/prod/templates/debug.yaml": pod("debug", true) });
    await repo.branch("partial", "main", { "apps/prod/Chart.yaml": chart, "apps/prod/templates/_debug.yaml": pod("debug", true) });
    await repo.branch("commented-for-helm", "main", { "apps/prod/Chart.yaml": chart, "apps/prod/templates/debug.yaml": `# {{/*\n${pod("debug", true)}# */}}\n` });
    // Argo CD applies a directory source's files as they are, a Chart.yaml among them or not.
    await repo.branch("argo-directory", "main", {
      "clusters/prod/agent.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: agent\n  namespace: argocd\nspec:\n  project: default\n" +
        "  source:\n    repoURL: https://github.com/example/gitops.git\n    path: apps/agent\n    directory:\n      recurse: true\n" +
        "  destination:\n    server: https://kubernetes.default.svc\n    namespace: agent\n",
      "apps/agent/Chart.yaml": chart,
      "apps/agent/templates/_agent.yaml": pod("agent", true),
    });
    // Helm renders this one as it is: judged in the render, not twice.
    await repo.branch("rendered", "main", { "apps/prod/Chart.yaml": chart, "apps/prod/templates/debug.yaml": pod("debug", true) });
  });
  afterAll(() => repo.remove());

  const privileged = (path: string, line: number) => `error k8s/privileged ${path}:${line}:21 new container "main" runs privileged: it has full access to the node`;
  const unrendered = (path: string) => `notice file/helm-unrendered ${path}:1:1 new Helm renders nothing of this template (a partial, a library chart's file, output Helm comments out, or a chart that did not render), ` +
    "yet as it is it reads as a Kubernetes manifest, which a tool applying its folder as plain files (Flux, an Argo CD directory source) deploys: it is judged as one.";

  it.each([
    ["library", "apps/prod/templates/debug.yaml", 10],
    ["partial", "apps/prod/templates/_debug.yaml", 10],
    ["commented-for-helm", "apps/prod/templates/debug.yaml", 11],
  ])("judges the Pod a %s template holds, on its line", async (branch, path, line) => {
    const { status, report } = await checkJson(repo.dir, branch);
    expect(status).toBe(1);
    expect(newFindings(report, ["k8s/privileged", "file/helm-unrendered", "file/helm-template"])).toEqual([privileged(path, line), unrendered(path)]);
  });

  it("does not take an Argo CD directory source for a Helm deployer", async () => {
    const { status, report } = await checkJson(repo.dir, "argo-directory");
    expect(status).toBe(1);
    expect(report.rendered?.targets.map((t) => t.target)).toEqual(["apps/agent (its own values: nothing in this repository gives it values)"]);
    expect(newFindings(report, ["k8s/privileged", "file/helm-unrendered"])).toEqual([privileged("apps/agent/templates/_agent.yaml", 10), unrendered("apps/agent/templates/_agent.yaml")]);
  });

  it("leaves a template Helm renders to the render", async () => {
    const { report } = await checkJson(repo.dir, "rendered");
    expect(newFindings(report, ["k8s/privileged", "file/helm-unrendered"])).toEqual([
      `${privileged("apps/prod/templates/debug.yaml", 10)} [rendered Pod debug, field /spec/containers/0/securityContext/privileged, ` +
        "Helm target apps/prod (its own values: nothing in this repository gives it values), traced to this template]",
    ]);
  });
});
