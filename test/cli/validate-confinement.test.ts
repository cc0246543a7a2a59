import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Finding } from "../../src/engine/finding.js";
import type { Report } from "../../src/engine/report.js";
import { runGit } from "../../src/git/run-git.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { runCli } from "../support/run-cli.js";

const brief = (f: Finding) => `${f.severity} ${f.rule} ${f.path}:${f.line}:${f.column}`;
const secretLine = "password: outside-the-repo-7f3a9c";
const badConfigMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  n: 1\n";
const waiver = "exceptions:\n  - rule: schema/type\n    files: ['k8s/**']\n    reason: waived from outside\n    owner: '@mallory'\n    expires: '2099-01-01'\n";
const kubernetes = "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\n";

async function validate(dir: string, ...paths: string[]) {
  const run = await runCli(["validate", "--repo", dir, "--format", "json", ...paths]);
  return { ...run, report: run.stdout ? (JSON.parse(run.stdout) as Report) : undefined };
}

describe("gitgate validate never reads outside the repository or through a link", () => {
  let outside: string;
  let repo: TestRepo;
  beforeAll(async () => {
    outside = await mkdtemp(join(tmpdir(), "gitgate-outside-"));
    await writeFile(join(outside, "secret.yaml"), `${secretLine}\nkind: [\n`);
    await writeFile(join(outside, "exc.yml"), waiver);
    await mkdir(join(outside, "schemas"));
    await writeFile(join(outside, "schemas", "any.json"), "{}");
    repo = await createTestRepo({
      ".github/gitgate.yml": `${kubernetes}ignore: ['unchecked/**']\n`,
      "k8s/ok.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n",
      "unchecked/bad.yaml": badConfigMap,
    });
    await symlink("../unchecked/bad.yaml", join(repo.dir, "k8s/in-repo-link.yaml"));
    await symlink(join(outside, "secret.yaml"), join(repo.dir, "k8s/outside-link.yaml"));
    await symlink(outside, join(repo.dir, "k8s/linked-folder"));
  });
  afterAll(async () => {
    await repo.remove();
    await rm(outside, { recursive: true, force: true });
  });

  it("reports every governed symlink as an error and never prints what it points at", async () => {
    const run = await validate(repo.dir);
    expect(run.report!.findings.map(brief)).toEqual([
      "error file/symlink k8s/in-repo-link.yaml:1:1",
      "error file/symlink k8s/linked-folder:1:1",
      "error file/symlink k8s/outside-link.yaml:1:1",
    ]);
    expect(run.report!.findings[0]!.message).toMatch(/does not follow links/);
    expect(run.stdout + run.stderr).not.toContain("outside-the-repo");
    expect(run.status).toBe(1);
    const text = await runCli(["validate", "--repo", repo.dir]);
    expect(text.stdout).not.toContain("outside-the-repo");
  });

  it("does not read a named file through a linked folder", async () => {
    const run = await validate(repo.dir, join(repo.dir, "k8s/linked-folder/secret.yaml"));
    expect(run.report!.findings.map(brief)).toEqual(["error file/symlink k8s/linked-folder/secret.yaml:1:1"]);
    expect(run.stdout).not.toContain("outside-the-repo");
  });

  it("refuses a named path outside the repository", async () => {
    const run = await validate(repo.dir, join(outside, "secret.yaml"));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${join(outside, "secret.yaml")} is outside the repository`);
    expect(run.stdout).toBe("");
  });

  it("refuses control-plane paths that leave the repository, with the error on the config line", async () => {
    const escaping = await createTestRepo({ ".github/gitgate.yml": kubernetes, "k8s/bad.yaml": badConfigMap });
    try {
      // Before the fix this file was loaded and its exception waived the error in k8s/bad.yaml.
      await writeFile(join(escaping.dir, ".github/gitgate.yml"), `${kubernetes}exceptions: ${relative(escaping.dir, outside)}/exc.yml\n`);
      const run = await validate(escaping.dir);
      expect(run.report!.findings.map(brief)).toEqual(["error config/invalid .github/gitgate.yml:5:13"]);
      expect(run.report!.findings[0]!.message).toContain("must not leave the repository");
      expect(run.status).toBe(2);
    } finally {
      await escaping.remove();
    }
  });

  it("refuses control-plane files that are symlinks, wherever they point", async () => {
    const linked = await createTestRepo({ ".github/gitgate.yml": kubernetes, "k8s/bad.yaml": badConfigMap });
    try {
      await symlink(join(outside, "exc.yml"), join(linked.dir, ".github/gitgate-exceptions.yml"));
      const run = await validate(linked.dir);
      // The refused exceptions file waives nothing; everything else is still judged.
      expect(run.report!.findings.map(brief)).toEqual(["error file/symlink .github/gitgate-exceptions.yml:1:1", "error config/path .github/gitgate.yml:1:1", "error schema/type k8s/bad.yaml:6:6", "warning yaml/yaml11-boolean k8s/bad.yaml:6:3"]);
      expect(run.report!.findings[1]!.message).toContain(".github/gitgate-exceptions.yml is a symbolic link");
      expect(run.status).toBe(2);

      await writeFile(join(linked.dir, ".github/gitgate.yml"), "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: schemas/any.json\n");
      await symlink(join(outside, "schemas"), join(linked.dir, "schemas"));
      await rm(join(linked.dir, ".github/gitgate-exceptions.yml"));
      const schema = await validate(linked.dir);
      expect(schema.report!.findings.map(brief)).toEqual(["error config/schema .github/gitgate.yml:4:13", "error schema/unusable k8s/bad.yaml:1:1", "error file/symlink schemas:1:1", "warning yaml/yaml11-boolean k8s/bad.yaml:6:3"]);
      expect(schema.report!.findings[0]!.message).toContain("schemas/any.json is a symbolic link");

      await rm(join(linked.dir, "schemas"));
      await rm(join(linked.dir, ".github/gitgate.yml"));
      await symlink(join(outside, "exc.yml"), join(linked.dir, ".github/gitgate.yml"));
      const config = await validate(linked.dir);
      expect(config.report!.findings.map(brief)).toEqual(["error config/path .github/gitgate.yml:1:1"]);
      expect(config.status).toBe(2);
    } finally {
      await linked.remove();
    }
  });
});

describe("gitgate validate and submodules", () => {
  it("reports a submodule, or a repository nested in the working tree, where governed files could be", async () => {
    const repo = await createTestRepo({ ".github/gitgate.yml": `${kubernetes}ignore: ['vendor/**']\n`, "k8s/ok.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n" });
    try {
      await mkdir(join(repo.dir, "k8s/charts"));
      await runGit(repo.dir, ["update-index", "--add", "--cacheinfo", "160000,0123456789abcdef0123456789abcdef01234567,k8s/charts"]);
      await mkdir(join(repo.dir, "vendor/lib"), { recursive: true });
      await runGit(repo.dir, ["update-index", "--add", "--cacheinfo", "160000,0123456789abcdef0123456789abcdef01234567,vendor/lib"]);
      await mkdir(join(repo.dir, "k8s/nested"));
      await runGit(join(repo.dir, "k8s/nested"), ["init", "-q"]);
      await writeFile(join(repo.dir, "k8s/nested/pod.yaml"), badConfigMap);
      const run = await validate(repo.dir);
      expect(run.report!.findings.map(brief)).toEqual(["error file/submodule k8s/charts:1:1", "error file/submodule k8s/nested:1:1"]);
      expect(run.status).toBe(1);
    } finally {
      await repo.remove();
    }
  });
});
