import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/engine/report.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { noOpaEnv } from "../support/no-opa-env.js";
import { runCli } from "../support/run-cli.js";

// The built-in packs ship compiled (`npm run build` writes dist/policies/): a machine without OPA runs
// them; only a repository's own Rego needs the compiler, and then the finding says how to get it.
describe("gitgate on a machine without OPA", () => {
  let repo: TestRepo;
  const saved = { ...process.env };
  beforeAll(async () => {
    // Before the first evaluation: the worker threads take this environment when they start.
    const env = noOpaEnv();
    for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
    Object.assign(process.env, env);
    repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\nschemas:\n  - files: \"k8s/*.yaml\"\n    schema: kubernetes\npolicies:\n  builtin: [kubernetes, gitops]\n",
      "own.yml": "version: 1\npolicies:\n  builtin: [kubernetes]\n  paths: [policy/]\n",
      "policy/main.rego": "package main\n\nimport rego.v1\n\ndeny contains \"no\" if input.kind == \"Secret\"\n",
      "k8s/web.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:latest\n",
    });
  });
  afterAll(async () => {
    await repo.remove();
    for (const key of Object.keys(process.env)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it("runs the built-in packs", async () => {
    const run = await runCli(["validate", "--repo", repo.dir, "--format", "json", `${repo.dir}/k8s/web.yaml`]);
    const report = JSON.parse(run.stdout) as Report;
    const findings = report.findings.map((f) => `${f.rule} ${f.path}:${f.line}`);
    expect(findings).toContain("k8s/image-tag k8s/web.yaml:14");
    expect(findings.filter((f) => f.startsWith("policy/"))).toEqual([]);
    expect(run.status).toBe(1);
  });

  it("says exactly how to get the compiler when the repository has its own Rego", async () => {
    const run = await runCli(["validate", "--repo", repo.dir, "--config", `${repo.dir}/own.yml`, "--format", "json", `${repo.dir}/k8s/web.yaml`]);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.findings.map((f) => `${f.rule} ${f.path}: ${f.message}`)).toContain(
      "policy/compile .github/gitgate.yml: Policies could not be compiled: the repository's own Rego policies (policies.paths) need the OPA compiler v1.22.3, " +
        "which was not found (the built-in packs need none). Install it with `go install github.com/open-policy-agent/opa@v1.22.3` (or download the " +
        'v1.22.3 "static" binary for your platform from OPA\'s GitHub releases), then put `opa` on PATH or set GITGATE_OPA to its path; in a Gitgate ' +
        "clone `npm run opa` does this",
    );
    // The built-in pack still ran.
    expect(report.findings.map((f) => f.rule)).toContain("k8s/image-tag");
    expect(run.status).toBe(2);
  });
});
