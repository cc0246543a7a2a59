import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { brief } from "../support/parse-text.js";
import { checkJson } from "../support/run-cli.js";


const deployment = (name: string, namespace: string, image = "registry.example/app:1.0") => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      securityContext: { runAsNonRoot: true }
      containers:
        - name: app
          image: ${image}
          resources:
            requests: { cpu: 100m, memory: 64Mi }
            limits: { cpu: 200m, memory: 128Mi }
`;

const exceptions = `exceptions:
  - rule: k8s/probes
    object: { kind: Deployment, namespace: reporting, name: legacy }
    reason: No health endpoint until the rewrite
    owner: "@acme/reporting"
    expires: "2099-01-01"
  - rule: k8s/image-tag
    files: ["k8s/tools/**"]
    reason: Tools are rebuilt nightly
    owner: "@acme/platform"
    expires: "2000-01-01"
`;

describe("exceptions", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\npolicies:\n  builtin: [kubernetes]\n",
      ".github/gitgate-exceptions.yml": exceptions,
    });
    await repo.branch("pr", "main", {
      "k8s/legacy.yaml": deployment("legacy", "reporting"),
      "k8s/web.yaml": deployment("web", "shop"),
      "k8s/tools/debug.yaml": deployment("debug", "tools", "busybox:latest").replace(/\n {10}image: busybox:latest\n/, "\n          image: busybox:latest\n          readinessProbe: { exec: { command: [true] } }\n          livenessProbe: { exec: { command: [true] } }\n"),
    });
    await repo.branch("add-own-exception", "main", {
      ".github/gitgate-exceptions.yml": exceptions + "  - rule: k8s/probes\n    files: [\"k8s/**\"]\n    reason: trust me\n    owner: \"@mallory\"\n    expires: \"2099-01-01\"\n",
      "k8s/web.yaml": deployment("web", "shop"),
    });
  });
  afterAll(() => repo.remove());

  it("waives only the matches an exception names, keeps them visible, and fails on expired ones", async () => {
    const { status, report } = await checkJson(repo.dir, "pr");
    expect(report.findings.map(brief)).toEqual([
      "error exceptions/expired .github/gitgate-exceptions.yml:11:14 new",
      "error k8s/image-tag k8s/tools/debug.yaml:16:18 new",
      "error k8s/probes k8s/web.yaml:15:11 new",
      "error k8s/probes k8s/web.yaml:15:11 new",
      "notice k8s/probes k8s/legacy.yaml:15:11 new",
      "notice k8s/probes k8s/legacy.yaml:15:11 new",
    ]);
    const waived = report.findings.find((f) => f.severity === "notice")!;
    expect(waived.waiver).toEqual({ owner: "@acme/reporting", expires: "2099-01-01", reason: "No health endpoint until the rewrite" });
    expect(waived.message).toBe('container "app" has no livenessProbe: rollouts cannot tell a broken version from a working one (waived until 2099-01-01 by @acme/reporting: No health endpoint until the rewrite)');
    expect(report.findings[0]!.message).toBe("Exception for k8s/image-tag (owner @acme/platform) expired on 2000-01-01: renew it or fix what it waived.");
    expect(status).toBe(1);
  });

  it("judges a PR that adds an exception by the base exceptions", async () => {
    const { report } = await checkJson(repo.dir, "add-own-exception");
    expect(report.findings.filter((f) => f.rule === "k8s/probes").map((f) => f.severity)).toEqual(["error", "error"]);
    expect(report.controlPlane.changed).toEqual([".github/gitgate-exceptions.yml"]);
  });

  it("rejects an exception without an owner or a scope, at its line", async () => {
    const bad = await createTestRepo({
      ".github/gitgate.yml": "version: 1\n",
      ".github/gitgate-exceptions.yml": "exceptions:\n  - rule: k8s/probes\n    files: [\"k8s/**\"]\n    reason: why not\n    expires: \"2099-01-01\"\n  - rule: k8s/privileged\n    reason: everywhere\n    owner: me\n    expires: \"2099-01-01\"\n",
    });
    try {
      await bad.branch("pr", "main", { "a.yaml": "a: 1\n" });
      const { status, report } = await checkJson(bad.dir, "pr");
      expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
        'error exceptions/invalid .github/gitgate-exceptions.yml:2:5 new exceptions[0]: missing required property "owner"',
        "error exceptions/invalid .github/gitgate-exceptions.yml:6:5 new exceptions[1] does not match any of the allowed forms",
      ]);
      expect(status).toBe(2);
    } finally {
      await bad.remove();
    }
  });
});

describe("gitops pack on CI workflows", () => {
  it("flags an imperative deploy in a workflow triggered by push, at the run line", async () => {
    const workflow = `name: deploy
on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Apply
        run: |
          kubectl apply -f k8s/
`;
    const repo = await createTestRepo({ ".github/gitgate.yml": "version: 1\npolicies:\n  builtin: [gitops]\n" });
    try {
      await repo.branch("pr", "main", { ".github/workflows/deploy.yml": workflow });
      const { report } = await checkJson(repo.dir, "pr");
      expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
        'error gitops/imperative-deploy .github/workflows/deploy.yml:11:14 new job "deploy" runs "kubectl apply" on push: deploys must go through Git and the GitOps agent, not CI',
      ]);
    } finally {
      await repo.remove();
    }
  });
});
