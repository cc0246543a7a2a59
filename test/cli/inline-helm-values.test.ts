import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { checkAll, expectNoSlice } from "../support/secret-output.js";

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
