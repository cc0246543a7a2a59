import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/engine/report.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { brief } from "../support/parse-text.js";
import { checkJson, runCli } from "../support/run-cli.js";

const config = "version: 1\nschemas:\n  - files: \"**\"\n    schema: kubernetes\npolicies:\n  builtin: [kubernetes]\n";
const template = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  selector:
    matchLabels: { app: {{ .Release.Name }} }
  template:
    metadata:
      labels: { app: {{ .Release.Name }} }
    spec:
      containers:
        - name: web
          image: "nginx:{{ .Values.image.tag }}"
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
`;
const application = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.com/example/gitops.git
    targetRevision: main
    path: charts/guestbook
    helm:
      valueFiles:
        - ../../envs/prod/guestbook-values.yaml
  destination:
    server: https://kubernetes.default.svc
    namespace: guestbook
`;

const newFindings = (report: Report) => report.findings.filter((f) => f.status === "new").map((f) => `${brief(f)} ${f.message}`);

describe("Helm charts an Argo CD Application points at are rendered with its values and judged", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": config,
      "charts/guestbook/Chart.yaml": "apiVersion: v2\nname: guestbook\nversion: 0.1.0\n",
      "charts/guestbook/values.yaml": "image:\n  tag: \"1.27.0\"\nsecurityContext:\n  privileged: false\n",
      "charts/guestbook/templates/deployment.yaml": template,
      "envs/prod/guestbook-values.yaml": "image:\n  tag: \"1.27.1\"\n",
      "argocd/guestbook.yaml": application,
    });
    await repo.branch("privileged", "main", { "envs/prod/guestbook-values.yaml": "image:\n  tag: \"1.27.1\"\nsecurityContext:\n  privileged: true\n" });
    await repo.branch("broken-chart", "main", { "charts/guestbook/templates/deployment.yaml": template.replace("{{ .Values.image.tag }}", "{{ .Values.image.tag ") });
    // Helm leaves out what the chart's .helmignore names, a folder with all it holds, and dotfiles in templates/.
    const privilegedPod = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}-${name}\nspec:\n  containers:\n    - name: d\n      image: busybox:1.36\n      securityContext:\n        privileged: true\n`;
    await repo.branch("helmignore", "main", {
      "charts/guestbook/.helmignore": "# kept for local debugging\ntemplates/debug.yaml\nscratch/\n",
      "charts/guestbook/templates/debug.yaml": privilegedPod("debug"),
      "charts/guestbook/templates/scratch/pod.yaml": privilegedPod("scratch"),
      "charts/guestbook/templates/.hidden.yaml": privilegedPod("hidden"),
      "charts/guestbook/templates/kept.yaml": privilegedPod("kept"),
    });
  });
  afterAll(() => repo.remove());

  it("catches a values change that makes the rendered Deployment privileged, on the values line", async () => {
    const { status, report } = await checkJson(repo.dir, "privileged");
    expect(status).toBe(1);
    expect(newFindings(report)).toEqual([
      "error k8s/privileged envs/prod/guestbook-values.yaml:4:15 new container \"web\" runs privileged: it has full access to the node " +
        "[rendered Deployment guestbook, field /spec/template/spec/containers/0/securityContext/privileged, " +
        "Helm target Application guestbook (charts/guestbook), traced to this values line]",
    ]);
    expect(report.rendered?.targets.map((t) => [t.target, t.deployedBy?.name])).toEqual([["Application guestbook (charts/guestbook)", "guestbook"]]);
    expect(report.rendered?.targets[0]?.diff.objects.map((o) => [o.status, o.id, o.changes.map((c) => c.pointer)])).toEqual([
      ["changed", "apps/v1 Deployment guestbook", ["/spec/template/spec/containers/0/securityContext/privileged"]],
    ]);
  });

  it("renders the chart as Helm loads its folder: what its .helmignore names is left out", async () => {
    const { status, report } = await checkJson(repo.dir, "helmignore");
    expect(status).toBe(1);
    expect(report.findings.filter((f) => f.rule === "k8s/privileged").map((f) => f.message.match(/rendered Pod [^,]*/)?.[0])).toEqual(["rendered Pod guestbook-kept"]);
    const empty = report.findings.filter((f) => f.rule === "file/helm-template-empty");
    expect(empty.map((f) => f.path).sort()).toEqual([
      "charts/guestbook/templates/.hidden.yaml", "charts/guestbook/templates/debug.yaml", "charts/guestbook/templates/scratch/pod.yaml",
    ]);
    for (const f of empty) expect(f.message).toMatch(/^Helm leaves this template out of the chart \(Application guestbook \(charts\/guestbook\)\): the chart's \.helmignore names it/);
  });

  it("makes a chart that does not render an error on its Chart.yaml", async () => {
    const { status, report } = await checkJson(repo.dir, "broken-chart");
    expect(status).toBe(1);
    const failed = report.findings.filter((f) => f.rule === "render/failed");
    expect(failed.map(brief)).toEqual(["error render/failed charts/guestbook/Chart.yaml:1:1 new"]);
    expect(failed[0]!.message).toMatch(/^Helm target Application guestbook \(charts\/guestbook\): rendering failed: .*deployment\.yaml/);
  });
});

describe("rendering is bounded", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\nrender:\n  timeout_seconds: 2\n  memory_mib: 64\n  helm:\n    - chart: charts/huge\n",
      "charts/huge/Chart.yaml": "apiVersion: v2\nname: huge\nversion: 0.1.0\n",
      "charts/huge/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: small\n",
    });
    // A template that would write gigabytes: stopped at a bound, and an error, never a pass.
    await repo.branch("huge", "main", { "charts/huge/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\ndata:\n  x: \"{{ range until 100000000 }}xxxxxxxxxxxxxxxx{{ end }}\"\n" });
  });
  afterAll(() => repo.remove());

  it("stops a chart that renders past the memory or time bound, as an error on its Chart.yaml", async () => {
    const { status, report } = await checkJson(repo.dir, "huge");
    expect(status).toBe(1);
    const failed = report.findings.filter((f) => f.rule === "render/failed");
    expect(failed.map(brief)).toEqual(["error render/failed charts/huge/Chart.yaml:1:1 new"]);
    expect(failed[0]!.message).toMatch(/^Helm target charts\/huge: rendering failed: rendering (used more than the memory bound of 64 MiB|took longer than the time bound of 2 s)/);
  });
});

describe("a chart's dependencies are processed as Helm does", () => {
  let repo: TestRepo;
  const podTemplate = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}-{{ .Chart.Name }}\nspec:\n  containers:\n    - name: main\n      image: nginx:1.27.0\n      securityContext:\n        privileged: {{ .Values.privileged }}\n";
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\nschemas:\n  - files: \"apps/**\"\n    schema: kubernetes\npolicies:\n  builtin: [kubernetes]\n",
      "charts/stack/Chart.yaml": "apiVersion: v2\nname: stack\nversion: 0.1.0\ndependencies:\n  - name: agent\n    version: 0.1.0\n    alias: monitor\n  - name: debug\n    version: 0.1.0\n    condition: debug.enabled\n",
      "charts/stack/values.yaml": "monitor:\n  privileged: false\ndebug:\n  enabled: false\n",
      "charts/stack/charts/agent/Chart.yaml": "apiVersion: v2\nname: agent\nversion: 0.1.0\n",
      "charts/stack/charts/agent/values.yaml": "privileged: false\n",
      "charts/stack/charts/agent/templates/pod.yaml": podTemplate,
      "charts/stack/charts/debug/Chart.yaml": "apiVersion: v2\nname: debug\nversion: 0.1.0\n",
      "charts/stack/charts/debug/values.yaml": "privileged: true\n",
      "charts/stack/charts/debug/templates/pod.yaml": podTemplate,
    });
    // The alias takes the parent's values under its own name; the condition keeps the debug subchart
    // (privileged by its own values) out.
    await repo.branch("alias-values", "main", { "charts/stack/values.yaml": "monitor:\n  privileged: true\ndebug:\n  enabled: false\n" });
  });
  afterAll(() => repo.remove());

  it("gives an aliased subchart its values and leaves out one its condition disables", async () => {
    const { status, report } = await checkJson(repo.dir, "alias-values");
    expect(status).toBe(1);
    expect(report.rendered?.targets[0]?.diff.objects.map((o) => `${o.status} ${o.id}`)).toEqual(["changed v1 Pod stack-monitor"]);
    expect(report.findings.filter((f) => f.rule === "k8s/privileged").map(brief)).toEqual(["error k8s/privileged charts/stack/values.yaml:2:15 new"]);
  });
});

describe("a dependency vendored as the archive helm dependency build writes", () => {
  let repo: TestRepo;
  /** A chart packed as `helm package` packs it: a gzipped tar holding the chart's folder. */
  const packed = (name: string, files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), "gitgate-chart-"));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, path, ".."), { recursive: true });
      writeFileSync(join(dir, name, path), text);
    }
    const archive = execFileSync("tar", ["czf", "-", "-C", dir, name]);
    rmSync(dir, { recursive: true });
    return archive;
  };
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\npolicies:\n  builtin: [kubernetes]\n",
      "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\ndependencies:\n  - name: agent\n    version: 0.1.0\n",
      "charts/web/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n",
    });
    const agentPod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\nspec:\n  containers:\n    - name: main\n      image: nginx:1.27.0\n      securityContext:\n        privileged: true\n";
    await repo.branch("vendored", "main", {
      "charts/web/charts/agent-0.1.0.tgz": packed("agent", { "Chart.yaml": "apiVersion: v2\nname: agent\nversion: 0.1.0\n", "templates/pod.yaml": agentPod }),
    });
    // A library chart's templates are only included by others: none renders on its own.
    await repo.branch("library-archive", "vendored", {
      "charts/web/charts/common-0.1.0.tgz": packed("common", { "Chart.yaml": "apiVersion: v2\nname: common\nversion: 0.1.0\ntype: library\n", "templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: common\n" }),
    });
    // An archive no review reads, whose Pod the values here turn off.
    await repo.branch("switched-off-in-archive", "main", {
      "charts/web/charts/agent-0.1.0.tgz": packed("agent", {
        "Chart.yaml": "apiVersion: v2\nname: agent\nversion: 0.1.0\n",
        "templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: agent\n",
        "templates/pod.yaml": `{{- if .Values.debug }}\n${agentPod}{{- end }}\n`,
      }),
    });
  });
  afterAll(() => repo.remove());

  it("warns on a changed archive whose templates render nothing with the values here", async () => {
    const { status, report } = await checkJson(repo.dir, "switched-off-in-archive");
    expect(status).toBe(0);
    expect(report.findings.filter((f) => f.rule === "file/helm-template-empty").map((f) => `${brief(f)} ${f.message}`)).toEqual([
      "warning file/helm-template-empty charts/web/charts/agent-0.1.0.tgz:1:1 new A vendored chart archive changed, and no render of its chart made anything of these templates of its vendored archives, this one or another " +
        "(charts/web (its own values: nothing in this repository gives it values)): web/charts/agent/templates/pod.yaml. What they hold is not judged: " +
        "whatever deploys the chart with values that turn them on deploys them unchecked. Give those values in `render.helm` to have them judged.",
    ]);
  });

  it("does not take a library chart's templates for ones that render nothing", async () => {
    const run = await runCli(["check", "--repo", repo.dir, "--base", "vendored", "--head", "library-archive", "--format", "json"]);
    expect(run.status).toBe(0);
    expect((JSON.parse(run.stdout) as Report).findings.filter((f) => f.rule === "file/helm-template-empty")).toEqual([]);
  });

  it("renders the archive's templates, and puts what no repository file made on the Chart.yaml", async () => {
    const { status, report } = await checkJson(repo.dir, "vendored");
    expect(status).toBe(1);
    expect(report.findings.filter((f) => f.rule.startsWith("render/"))).toEqual([]);
    expect(report.findings.filter((f) => f.rule === "k8s/privileged").map(brief)).toEqual(["error k8s/privileged charts/web/Chart.yaml:1:1 new"]);
  });
});
