import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Report } from "../../src/engine/report.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { runCli } from "../support/run-cli.js";

const config = 'version: 1\nschemas:\n  - files: "k8s/*.yaml"\n    schema: kubernetes\n';
const good = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n";
const bad = good.replace("port: 80", "port: eighty");

describe("gitgate validate --staged", () => {
  let repo: TestRepo | undefined;
  afterEach(() => repo?.remove());
  const stage = (dir: string, ...paths: string[]) => spawnSync("git", ["add", "--", ...paths], { cwd: dir });
  const validate = async (dir: string, args: string[]) => {
    const run = await runCli(["validate", "--repo", dir, "--staged", "--format", "json", ...args]);
    return { ...run, report: run.stdout ? (JSON.parse(run.stdout) as Report) : undefined };
  };

  it("judges a folder by its staged files: a new file staged bad and fixed on disk still fails", async () => {
    repo = await createTestRepo({ ".github/gitgate.yml": config, "k8s/web.yaml": good });
    await writeFile(join(repo.dir, "k8s/api.yaml"), bad);
    stage(repo.dir, "k8s/api.yaml");
    await writeFile(join(repo.dir, "k8s/api.yaml"), good);
    const { report, status } = await validate(repo.dir, [join(repo.dir, "k8s")]);
    expect(report!.findings.map((f) => `${f.rule} ${f.path}:${f.line}`)).toEqual(["schema/type k8s/api.yaml:7"]);
    expect(report!.summary.governedFiles).toBe(2);
    expect(status).toBe(1);
  });

  it("reads the config as staged: a governing config not yet added does not apply", async () => {
    repo = await createTestRepo({ ".github/gitgate.yml": config, "k8s/web.yaml": bad });
    await writeFile(join(repo.dir, ".github/gitgate.yml"), "version: 1\nignore: [\"k8s/**\"]\n");
    const { report, status } = await validate(repo.dir, []);
    expect(report!.findings.map((f) => `${f.rule} ${f.path}:${f.line}`)).toEqual(["schema/type k8s/web.yaml:7"]);
    expect(status).toBe(1);
  });

  it("belongs to validate only", async () => {
    repo = await createTestRepo({ ".github/gitgate.yml": config });
    const run = await runCli(["check", "--repo", repo.dir, "--staged"]);
    expect(run.stderr).toMatch(/^gitgate: --staged belongs to validate: check judges commits\n/);
    expect(run.status).toBe(2);
  });
});
