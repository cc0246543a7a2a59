import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { checkJson, runCli } from "../support/run-cli.js";
import { checkAll, expectNoSlice, formats } from "../support/secret-output.js";

// Helm values written into an Argo CD Application or a Flux HelmRelease are values as a values file's
// are, and these go to charts from Helm repositories, which nothing here renders: no render can tell
// which of them a template puts in a Secret. They used to be shown in the preview and in source lines
// unless they looked like a token; now they are treated as a values file no render traced is.
const config = "version: 1\nfiles: ['apps/**']\npolicies:\n  paths: [policy/]\n";
const policy = `package main

import rego.v1

warn contains {"msg": sprintf("%s deploys a chart from a Helm repository: its replicaCount is not checked, nor the Kubernetes version it needs", [input.metadata.name]), "pointer": "/metadata/name"} if {
  input.kind in {"Application", "HelmRelease"}
}

warn contains {"msg": sprintf("CNI binaries in %s", [input.spec.source.helm.valuesObject.cniBinDir]), "pointer": "/metadata/name"} if {
  input.kind == "Application"
}
`;
const application = (password: string, apiKey: string, token: string) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://charts.example.com
    chart: web
    targetRevision: 1.4.0
    helm:
      values: |
        replicaCount: 2
        db:
          password: ${password}
      valuesObject:
        apiKey: ${apiKey}
        cniBinDir: /home/kubernetes/bin
      parameters:
        - name: auth.token
          value: ${token}
  destination:
    server: https://kubernetes.default.svc
    namespace: web
`;
const helmRelease = (password: string) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: cache
  namespace: cache
spec:
  interval: 10m
  chart:
    spec:
      chart: redis
      sourceRef:
        kind: HelmRepository
        name: bitnami
  values:
    auth:
      password: ${password}
`;

describe("Helm values written in an Application or a HelmRelease", () => {
  let repo: TestRepo;
  const before = ["Base-Db-Passw0rd-1187", "base-api-key-value-5521", "base-param-tok-7710", "Base-Redis-Pw-3391"];
  const after = ["Head-Db-Passw0rd-2298", "head-api-key-value-6632", "head-param-tok-8821", "Head-Redis-Pw-4402"];
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": config,
      "policy/main.rego": policy,
      "apps/web.yaml": application(before[0]!, before[1]!, before[2]!),
      "apps/cache.yaml": helmRelease(before[3]!),
    });
    await repo.branch("rotate", "main", {
      "apps/web.yaml": application(after[0]!, after[1]!, after[2]!),
      "apps/cache.yaml": helmRelease(after[3]!),
    });
  });
  afterAll(() => repo.remove());

  it("are masked in the preview, scrubbed from every output, and no line of their files is shown", async () => {
    const { outputs, all, report } = await checkAll(repo, "rotate");
    for (const value of [...before, ...after]) expectNoSlice(all, value);
    // The change is still seen, field by field, its values masked.
    const changes = report.diff.objects.flatMap((o) => o.changes.map((c) => `${o.id} ${c.field} ${JSON.stringify("after" in c ? c.after : null)}`));
    expect(changes).toEqual([
      'helm.toolkit.fluxcd.io/v2 HelmRelease cache/cache spec.values.auth.password {"masked":true,"length":18}',
      'argoproj.io/v1alpha1 Application argocd/web spec.source.helm.values {"masked":true,"length":54}',
      'argoproj.io/v1alpha1 Application argocd/web spec.source.helm.valuesObject.apiKey {"masked":true,"length":23}',
      'argoproj.io/v1alpha1 Application argocd/web spec.source.helm.parameters[auth.token].value {"masked":true,"length":19}',
    ]);
    // Their findings are shown without a source line. A message quoting a value whole is scrubbed; one
    // naming a key (replicaCount), or a word a value holds a slice of ("Kubernetes", of
    // /home/kubernetes/bin), is not.
    expect(report.findings.map((f) => `${f.path}:${f.line} ${f.message}`)).toEqual([
      "apps/cache.yaml:4 cache deploys a chart from a Helm repository: its replicaCount is not checked, nor the Kubernetes version it needs",
      "apps/web.yaml:4 CNI binaries in •••",
      "apps/web.yaml:4 web deploys a chart from a Helm repository: its replicaCount is not checked, nor the Kubernetes version it needs",
    ]);
    expect(outputs.text).not.toMatch(/\| {2}name: (web|cache)/);
  });
});

describe("Helm values written inline, beyond an Application's own source", () => {
  // An ApplicationSet's generators carry templates of their own, and its templatePatch is a template of
  // the Application it makes; Flux v1's HelmRelease (helm.fluxcd.io) carries values as v2's does. All
  // were shown in the preview.
  const appSet = (n: string) => `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: demo, namespace: argocd}
spec:
  goTemplate: true
  generators:
    - matrix:
        generators:
          - list:
              elements:
                - cluster: prod
              template:
                metadata: {}
                spec:
                  project: default
                  source:
                    repoURL: https://charts.example.com
                    chart: demo
                    helm:
                      valuesObject:
                        token: GenTmplTok-${n}-7781
                  destination: {server: "https://kubernetes.default.svc", namespace: demo}
  templatePatch: |
    spec:
      source:
        helm:
          valuesObject:
            patched: PatchTok-${n}-5527
  template:
    metadata: {name: "demo-{{.cluster}}"}
    spec:
      project: default
      source: {repoURL: https://charts.example.com, chart: demo}
      destination: {server: "https://kubernetes.default.svc", namespace: demo}
`;
  const fluxV1 = (n: string) => `apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata: {name: legacy, namespace: legacy}
spec:
  chart: {repository: https://charts.example.com, name: legacy, version: 1.0.0}
  values:
    password: LegacyPw-${n}-3318
`;
  it("are masked in the preview and scrubbed from every output", async () => {
    const repo = await createTestRepo({ ".github/gitgate.yml": "version: 1\nfiles: ['apps/**']\n", "apps/appset.yaml": appSet("base"), "apps/legacy.yaml": fluxV1("base") });
    try {
      await repo.branch("rotate", "main", { "apps/appset.yaml": appSet("head"), "apps/legacy.yaml": fluxV1("head") });
      const { all, report } = await checkAll(repo, "rotate");
      for (const n of ["base", "head"]) for (const value of [`GenTmplTok-${n}-7781`, `PatchTok-${n}-5527`, `LegacyPw-${n}-3318`]) expectNoSlice(all, value);
      const changes = report.diff.objects.flatMap((o) => o.changes.map((c) => `${o.id} ${c.field} ${JSON.stringify("after" in c ? c.after : null)}`));
      expect(changes).toEqual([
        'argoproj.io/v1alpha1 ApplicationSet argocd/demo spec.generators[0].matrix.generators[0].list.template.spec.source.helm.valuesObject.token {"masked":true,"length":20}',
        'argoproj.io/v1alpha1 ApplicationSet argocd/demo spec.templatePatch {"masked":true,"length":82}',
        'helm.fluxcd.io/v1 HelmRelease legacy/legacy spec.values.password {"masked":true,"length":18}',
      ]);
    } finally {
      await repo.remove();
    }
  });

  // The preview asks of every node of a document it masks whether it is inline values; each answer
  // listed every source of the Application again: 3,000 sources took 22 s, 6,000 ran into the time bound.
  it("are looked for in linear time: an Application of 6,000 sources is previewed", async () => {
    const sources = (n: number) => Array.from({ length: n }, (_, i) => `    - {repoURL: "https://r.example.com/${i}", chart: c, targetRevision: 1.0.0}\n`).join("");
    const app = (n: number) => `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: many, namespace: argocd}\nspec:\n  project: default\n  destination: {server: "https://kubernetes.default.svc", namespace: demo}\n  sources:\n${sources(n)}`;
    const repo = await createTestRepo({ ".github/gitgate.yml": "version: 1\nfiles: ['apps/**']\n" });
    try {
      await repo.branch("add", "main", { "apps/many.yaml": app(6000) });
      const { report } = await checkJson(repo.dir, "add");
      expect(report.conclusion).toBe("success");
      expect(report.diff.objects.map((o) => `${o.status} ${o.id}`)).toEqual(["added argoproj.io/v1alpha1 Application argocd/many"]);
    } finally {
      await repo.remove();
    }
  });
});

describe("a helm.values string a policy quotes whole", () => {
  // The values were scrubbed as they read, but a policy quoting the string sees them as written: an
  // escaped value, a folded one and one continued on the next line read otherwise there.
  const values = [
    'escaped: "Esc\\x41pedPw11\\u0042"',
    "folded: >",
    "  FoldPartOne22",
    "  FoldPartTwo33",
    "plain: PlainMulti44",
    "  PlainCont55",
    'quoted: "DqFirst66',
    '  DqSecond77"',
    "image: {tag: latest}",
  ];
  it("is scrubbed of every value as it is written", async () => {
    const repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\nfiles: ['apps/**']\npolicies:\n  paths: [policy/]\n",
      "policy/main.rego": 'package main\n\nimport rego.v1\n\ndeny contains sprintf("do not deploy latest; the values are: %s", [v]) if {\n  v := input.spec.source.helm.values\n  contains(v, "latest")\n}\n',
      "apps/web.yaml": `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: web, namespace: argocd}\nspec:\n  source:\n    chart: web\n    helm:\n      values: |\n${values.map((line) => `        ${line}\n`).join("")}`,
    });
    try {
      let all = "";
      for (const format of formats) all += (await runCli(["validate", "--repo", repo.dir, "--format", format])).stdout;
      // "latest" is masked too: it is one of the values, whole.
      expect(all).toContain("do not deploy •••; the values are: escaped: •••");
      for (const fragment of ["Esc\\x41pedPw11", "FoldPartOne22", "FoldPartTwo33", "PlainMulti44", "PlainCont55", "DqFirst66", "DqSecond77"]) expect(all).not.toContain(fragment);
    } finally {
      await repo.remove();
    }
  });
});
