import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { brief } from "../support/parse-text.js";
import type { Report } from "../../src/engine/report.js";
import { checkJson, runCli } from "../support/run-cli.js";


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

/** A date `days` from today (UTC), as the CLI reckons today. */
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const soon = inDays(30);

const exceptions = `exceptions:
  - rule: k8s/probes
    object: { kind: Deployment, namespace: reporting, name: legacy }
    reason: No health endpoint until the rewrite
    owner: "@acme/reporting"
    expires: "${soon}"
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
    // An object with `items` is applied item by item: the waived Deployment's name on the wrapper.
    await repo.branch("items", "main", {
      "k8s/legacy.yaml": deployment("legacy", "reporting") + "items:\n" + deployment("evil", "shop").replace(/^/gm, "    ").replace(/^ {4}apiVersion/, "  - apiVersion"),
    });
    await repo.branch("add-own-exception", "main", {
      ".github/gitgate-exceptions.yml": exceptions + `  - rule: k8s/probes\n    files: ["k8s/**"]\n    reason: trust me\n    owner: "@mallory"\n    expires: "${soon}"\n`,
      "k8s/web.yaml": deployment("web", "shop"),
    });
  });
  afterAll(() => repo.remove());

  it("waives only the matches an exception names, keeps them visible, and an expired one stops waiving", async () => {
    const { status, report } = await checkJson(repo.dir, "pr");
    expect(report.findings.map(brief)).toEqual([
      "error k8s/image-tag k8s/tools/debug.yaml:16:18 new",
      "error k8s/probes k8s/web.yaml:15:11 new",
      "error k8s/probes k8s/web.yaml:15:11 new",
      "warning exceptions/expired .github/gitgate-exceptions.yml:11:14 new",
      "notice k8s/probes k8s/legacy.yaml:15:11 new",
      "notice k8s/probes k8s/legacy.yaml:15:11 new",
    ]);
    const waived = report.findings.find((f) => f.severity === "notice")!;
    expect(waived.waiver).toEqual({ owner: "@acme/reporting", expires: soon, reason: "No health endpoint until the rewrite" });
    expect(waived.message).toBe(`container "app" has no livenessProbe: rollouts cannot tell a broken version from a working one (waived until ${soon} by @acme/reporting: No health endpoint until the rewrite)`);
    expect(report.findings[3]!.message).toBe("Exception for k8s/image-tag (owner @acme/platform) expired on 2000-01-01: it waives nothing any more; renew it or fix what it waived.");
    expect(status).toBe(1);
  });

  // The object of a finding was its document's: findings in a List item were waived by an exception
  // for the wrapper's name, and a privileged Pod in `items` passed.
  it("judges a finding in an item of `items` by that item's object, not the wrapper's", async () => {
    const { status, report } = await checkJson(repo.dir, "items");
    expect(report.findings.map((f) => `${brief(f)} ${f.pointer}`)).toEqual([
      "error k8s/probes k8s/legacy.yaml:35:15 new /items/0/spec/template/spec/containers/0",
      "error k8s/probes k8s/legacy.yaml:35:15 new /items/0/spec/template/spec/containers/0",
      "warning exceptions/expired .github/gitgate-exceptions.yml:11:14 new undefined",
      "notice k8s/probes k8s/legacy.yaml:15:11 new /spec/template/spec/containers/0",
      "notice k8s/probes k8s/legacy.yaml:15:11 new /spec/template/spec/containers/0",
    ]);
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

describe("exception hygiene", () => {
  const config = (extra = "") => `version: 1\npolicies:\n  builtin: [kubernetes]\n${extra}`;
  // The deployment has no probes either; only what the exception is about matters here.
  const hostFindings = (report: Report) => report.findings.filter((f) => f.rule !== "k8s/probes").map(brief);
  const privileged = deployment("web", "shop").replace("securityContext: { runAsNonRoot: true }", "securityContext: { runAsNonRoot: true }\n      hostNetwork: true");

  it("rejects a blank owner or reason, a day the calendar does not have, and a repository-wide glob, each on its line", async () => {
    const bad = await createTestRepo({
      ".github/gitgate.yml": config(),
      ".github/gitgate-exceptions.yml": [
        "exceptions:",
        "  - rule: k8s/probes",
        '    files: ["k8s/**"]',
        '    reason: " "',
        '    owner: " "',
        `    expires: "${soon}"`,
        "  - rule: k8s/probes",
        '    files: ["k8s/**"]',
        "    reason: leap year",
        "    owner: me",
        '    expires: "2026-02-31"',
        "  - rule: k8s/privileged",
        '    files: ["k8s/legacy/**", "**"]',
        "    reason: everywhere",
        "    owner: me",
        `    expires: "${soon}"`,
        "  - rule: k8s/privileged",
        '    files: "*/**"',
        "    reason: everywhere, said differently",
        "    owner: me",
        `    expires: "${soon}"`,
        "",
      ].join("\n"),
    });
    try {
      await bad.branch("pr", "main", { "k8s/web.yaml": privileged });
      const { status, report } = await checkJson(bad.dir, "pr");
      expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
        "error exceptions/invalid .github/gitgate-exceptions.yml:4:13 new exceptions[0].reason is blank: say why the rule is waived",
        "error exceptions/invalid .github/gitgate-exceptions.yml:5:12 new exceptions[0].owner is blank: name the user or team who answers for this waiver",
        'error exceptions/invalid .github/gitgate-exceptions.yml:11:14 new expires "2026-02-31" is not a calendar date (YYYY-MM-DD)',
        'error exceptions/too-broad .github/gitgate-exceptions.yml:13:30 new glob "**" waives k8s/privileged across the whole repository: name the folders or files it is for, or set allow_broad: true on this exception if that is really meant',
        'error exceptions/too-broad .github/gitgate-exceptions.yml:18:12 new glob "*/**" waives k8s/privileged across the whole repository: name the folders or files it is for, or set allow_broad: true on this exception if that is really meant',
        // A broken exceptions file waives nothing, and everything else is still judged.
        "error k8s/host-namespaces k8s/web.yaml:14:20 new pod sets hostNetwork: it shares the node's namespace",
        'error k8s/probes k8s/web.yaml:16:11 new container "app" has no livenessProbe: rollouts cannot tell a broken version from a working one',
        'error k8s/probes k8s/web.yaml:16:11 new container "app" has no readinessProbe: rollouts cannot tell a broken version from a working one',
      ]);
      expect(status).toBe(2);
    } finally {
      await bad.remove();
    }
  });

  it("accepts a repository-wide glob that says allow_broad: true", async () => {
    const repo = await createTestRepo({
      ".github/gitgate.yml": config(),
      ".github/gitgate-exceptions.yml": `exceptions:\n  - rule: k8s/host-namespaces\n    files: "**"\n    allow_broad: true\n    reason: the node agent fleet\n    owner: "@acme/platform"\n    expires: "${soon}"\n`,
    });
    try {
      await repo.branch("pr", "main", { "k8s/web.yaml": privileged });
      const { report } = await checkJson(repo.dir, "pr");
      expect(report.findings.filter((f) => f.rule.startsWith("exceptions/"))).toEqual([]);
      expect(report.findings.find((f) => f.rule === "k8s/host-namespaces")?.severity).toBe("notice");
    } finally {
      await repo.remove();
    }
  });

  it("waives nothing with an expiry further ahead than the config allows, and says so on the expires line", async () => {
    const exceptionsFile = (expires: string) =>
      `exceptions:\n  - rule: k8s/host-namespaces\n    files: ["k8s/**"]\n    reason: migration\n    owner: "@acme/platform"\n    expires: "${expires}"\n`;
    const repo = await createTestRepo({ ".github/gitgate.yml": config(), ".github/gitgate-exceptions.yml": exceptionsFile("9999-12-31") });
    try {
      await repo.branch("pr", "main", { "k8s/web.yaml": privileged });
      const { status, report } = await checkJson(repo.dir, "pr");
      expect(hostFindings(report)).toEqual([
        "error exceptions/too-long .github/gitgate-exceptions.yml:6:14 new",
        "error k8s/host-namespaces k8s/web.yaml:14:20 new",
      ]);
      expect(report.findings[0]!.message).toBe(
        `Exception for k8s/host-namespaces (owner @acme/platform) runs until 9999-12-31, more than 90 days from today (${inDays(0)}): it waives nothing until its expiry is at most ${inDays(90)} (limits.exception_max_days).`,
      );
      expect(status).toBe(1);

      // The bound is the config's: 45 days ahead passes the default 90 but not a 30-day limit.
      await repo.branch("limit-30", "main", {
        ".github/gitgate.yml": config("limits:\n  exception_max_days: 30\n"),
        ".github/gitgate-exceptions.yml": exceptionsFile(inDays(45)),
      });
      await repo.branch("limit-30-pr", "limit-30", { "k8s/web.yaml": privileged });
      const limited = await runCli(["check", "--repo", repo.dir, "--base", "limit-30", "--head", "limit-30-pr", "--format", "json"]);
      expect(hostFindings(JSON.parse(limited.stdout) as Report)).toEqual([
        "error exceptions/too-long .github/gitgate-exceptions.yml:6:14 new",
        "error k8s/host-namespaces k8s/web.yaml:14:20 new",
      ]);
      await repo.branch("default-limit", "main", { ".github/gitgate-exceptions.yml": exceptionsFile(inDays(45)) });
      await repo.branch("default-limit-pr", "default-limit", { "k8s/web.yaml": privileged });
      const defaulted = await runCli(["check", "--repo", repo.dir, "--base", "default-limit", "--head", "default-limit-pr", "--format", "json"]);
      expect(hostFindings(JSON.parse(defaulted.stdout) as Report)).toEqual(["notice k8s/host-namespaces k8s/web.yaml:14:20 new"]);
    } finally {
      await repo.remove();
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
