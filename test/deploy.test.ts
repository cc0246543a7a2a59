import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../src/engine/report.js";
import { runCli } from "./support/run-cli.js";

describe("Gitgate's own Kubernetes manifests", () => {
  it("pass Gitgate's schemas and both built-in packs", async () => {
    const config = join(tmpdir(), `gitgate-deploy-${process.pid}.yml`);
    writeFileSync(config, 'version: 1\nschemas:\n  - files: "deploy/kubernetes/**/*.yaml"\n    schema: kubernetes\npolicies:\n  builtin: [kubernetes, gitops]\n');
    const root = new URL("..", import.meta.url).pathname;
    const run = await runCli(["validate", "--repo", root, "--config", config, "--format", "json", "deploy/kubernetes/deployment.yaml", "deploy/kubernetes/service.yaml", "deploy/kubernetes/namespace.yaml", "deploy/kubernetes/pdb.yaml", "deploy/kubernetes/redis-in-cluster/redis.yaml"].map((a) => (a.startsWith("deploy/") ? join(root, a) : a)));
    const report = JSON.parse(run.stdout) as Report;
    expect(report.findings).toEqual([]);
    expect(report.summary.documents).toBe(7);
    expect(run.status).toBe(0);
  });
});
