import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/engine/report.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { runCli } from "../support/run-cli.js";

describe("gitgate validate", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\nignore: ['vendor/**']\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\n",
      "k8s/ok.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n",
      "vendor/broken.yaml": "a: [\n",
      "README.md": "# not governed\n",
    });
    // Untracked files count: a pre-commit hook runs before `git add` finishes the story.
    await writeFile(join(repo.dir, "k8s/new.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 7\n");
  });
  afterAll(() => repo.remove());

  it("checks every governed file of the working tree", async () => {
    const run = await runCli(["validate", "--repo", repo.dir, "--format", "json"]);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.findings.map((f) => `${f.rule} ${f.path}:${f.line}:${f.column} ${f.status}`)).toEqual([
      "schema/type k8s/new.yaml:4:9 new",
    ]);
    expect(report.summary.governedFiles).toBe(2);
    expect(run.status).toBe(1);
  });

  it("checks only the paths it is given, skipping ungoverned ones", async () => {
    const run = await runCli(["validate", "--repo", repo.dir, "--format", "json", join(repo.dir, "k8s/ok.yaml"), join(repo.dir, "README.md")]);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.findings).toEqual([]);
    expect(report.summary.governedFiles).toBe(1);
    expect(run.status).toBe(0);
  });

  it("refuses base and head, which belong to check", async () => {
    const run = await runCli(["validate", "--base", "main"]);
    expect(run.status).toBe(2);
  });
});
