import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";
import type { Report } from "../../src/engine/report.js";
import { createTestRepo } from "../support/git-repo.js";
import { noOpaEnv } from "../support/no-opa-env.js";
import { packGitgate } from "../support/packed-package.js";

const run = promisify(execFile);
const temps: string[] = [];
afterAll(() => Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true }))));

/** `gitgate …` from the installed package, the way a shell runs it: its bin, through `#!/usr/bin/env node`. */
async function gitgate(bin: string, cwd: string, args: string[], env: NodeJS.ProcessEnv) {
  try {
    const { stdout, stderr } = await run(bin, args, { cwd, env });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { status: code, stdout, stderr };
  }
}

// One test, about a minute: the packed tarball, installed into an empty folder, runs the built-in packs
// on a machine where no OPA can be found.
it("npm pack gives a package that installs anywhere and runs gitgate validate and check without OPA", async () => {
  const work = await mkdtemp(join(tmpdir(), "gitgate-package-"));
  temps.push(work);
  const tarball = await packGitgate(work);

  // Only what runs: the compiled code, the prebuilt packs and their sources, the schemas.
  const { stdout: listing } = await run("tar", ["-tzf", tarball]);
  const files = listing.trim().split("\n").map((f) => f.replace(/^package\//, ""));
  expect(files).toEqual(expect.arrayContaining(["dist/cli/bin.js", "dist/evaluation/evaluation-worker.js", "dist/policies/packs.json", "dist/policies/kubernetes.wasm", "dist/policies/gitops.wasm", "policies/kubernetes/workloads.rego", "schemas/gitgate-config.schema.json"]));
  expect(files.filter((f) => /^(src|test|scripts|bench|dist\/demo|dist\/fake-github)\/|\.map$|_test\.rego$|\.ts$/.test(f))).toEqual([]);

  const project = join(work, "project");
  await run("mkdir", [project]);
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", tarball], { cwd: project });
  const bin = join(project, "node_modules/.bin/gitgate");

  const repo = await createTestRepo({
    ".github/gitgate.yml": 'version: 1\nschemas:\n  - files: "k8s/*.yaml"\n    schema: kubernetes\npolicies:\n  builtin: [kubernetes, gitops]\n',
    "k8s/web.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n",
  });
  temps.push(repo.dir);
  await repo.branch("feature", "main", {
    "k8s/web.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:latest\n",
  });
  await run("git", ["checkout", "-q", "feature"], { cwd: repo.dir });
  const env = noOpaEnv();

  const version = await gitgate(bin, repo.dir, ["--version"], env);
  expect(version.stdout).toMatch(/^gitgate \d+\.\d+\.\d+/);

  const validate = await gitgate(bin, repo.dir, ["validate", "--format", "json", "k8s"], env);
  const validated = JSON.parse(validate.stdout) as Report;
  expect(validated.findings.filter((f) => f.rule === "k8s/image-tag").map((f) => `${f.path}:${f.line}:${f.column}`)).toEqual(["k8s/web.yaml:8:14"]);
  expect(validated.findings.filter((f) => f.rule.startsWith("policy/"))).toEqual([]);
  expect(validate.status).toBe(1);

  const check = await gitgate(bin, repo.dir, ["check", "--base", "main", "--head", "feature", "--format", "json"], env);
  const checked = JSON.parse(check.stdout) as Report;
  expect(checked.findings.filter((f) => f.rule === "k8s/image-tag").map((f) => `${f.path}:${f.line}:${f.column}`)).toEqual(["k8s/web.yaml:8:14"]);
  expect(checked.findings.filter((f) => f.rule.startsWith("policy/"))).toEqual([]);
  expect(check.status).toBe(1);
}, 240_000);
