import { spawnSync } from "node:child_process";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";

const root = new URL("../../", import.meta.url).pathname;
const hooks = parse(await readFile(join(root, ".pre-commit-hooks.yaml"), "utf8")) as { id: string; entry: string; pass_filenames?: boolean; types_or?: string[] }[];
const hook = hooks.find((h) => h.id === "gitgate-validate")!;

const config = 'version: 1\nschemas:\n  - files: "k8s/*.yaml"\n    schema: kubernetes\n';
const good = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n";
// A port must be an integer: a schema error on line 7.
const bad = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: eighty\n";

const identity = ["-c", "user.name=Test", "-c", "user.email=test@gitgate.invalid", "-c", "commit.gpgsign=false"];

// A real `git commit` runs the hook's entry from .pre-commit-hooks.yaml (with the built CLI for
// `gitgate`), passing the staged YAML and JSON files as the pre-commit framework does.
describe("the gitgate-validate pre-commit hook", () => {
  let repo: TestRepo | undefined;
  afterEach(() => repo?.remove());

  async function repoWithHook(): Promise<TestRepo> {
    const created = await createTestRepo({ ".github/gitgate.yml": config, "k8s/web.yaml": good });
    repo = created;
    const entry = hook.entry.replace(/^gitgate\b/, `"${process.execPath}" "${join(root, "dist/cli/bin.js")}"`);
    const script = `#!/bin/sh\ngit diff --cached --name-only --diff-filter=ACMR -z -- '*.yaml' '*.yml' '*.json' | xargs -0 ${entry}\n`;
    await writeFile(join(created.dir, ".git/hooks/pre-commit"), script);
    await chmod(join(created.dir, ".git/hooks/pre-commit"), 0o755);
    return created;
  }
  // git runs the hook with its output on stderr.
  const git = (...args: string[]) => spawnSync("git", [...identity, ...args], { cwd: repo!.dir, encoding: "utf8" });

  it("is declared for the framework: staged YAML and JSON files passed as arguments", () => {
    expect(hook).toMatchObject({ entry: "gitgate validate --staged", pass_filenames: true, types_or: ["yaml", "json"] });
  });

  it("blocks a commit whose staged file is bad, even when the working tree copy is fixed", async () => {
    const { dir } = await repoWithHook();
    await writeFile(join(dir, "k8s/web.yaml"), bad);
    git("add", "k8s/web.yaml");
    await writeFile(join(dir, "k8s/web.yaml"), good);
    const commit = git("commit", "-m", "bad port");
    expect(commit.stderr).toMatch(/^FAIL gitgate\/validate: .*\nstaged files, fail_on: new\n/);
    expect(commit.stderr).toMatch(/\nk8s\/web\.yaml\n {2}7:\d+ +error +/);
    expect(commit.status).not.toBe(0);
    expect(git("log", "--format=%s").stdout.trim().split("\n")).toEqual(["change"]);
  }, 60_000);

  it("lets a commit whose staged file is good through, even when the working tree copy is broken", async () => {
    const { dir } = await repoWithHook();
    const fixed = good.replace("port: 80", "port: 8080");
    await writeFile(join(dir, "k8s/web.yaml"), fixed);
    git("add", "k8s/web.yaml");
    await writeFile(join(dir, "k8s/web.yaml"), bad);
    const commit = git("commit", "-m", "new port");
    expect(commit.stderr).toMatch(/^PASS gitgate\/validate: All governed files are valid\nstaged files, fail_on: new\n/);
    expect(commit.status).toBe(0);
    expect(git("show", "HEAD:k8s/web.yaml").stdout).toBe(fixed);
  }, 60_000);
});
