import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { noOpaEnv } from "../support/no-opa-env.js";
import { packGitgate } from "../support/packed-package.js";

const root = new URL("../../", import.meta.url).pathname;
const script = join(root, "scripts/action/gitgate-action.ts");

interface ActionStep {
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
}
const action = parse(await readFile(join(root, "action.yml"), "utf8")) as { inputs: Record<string, unknown>; runs: { using: string; steps: ActionStep[] } };

// The action's steps call scripts/action/gitgate-action.ts; these run it as the runner would, with the
// packed package, on a machine without OPA.
describe("the GitHub Action's script", () => {
  let work: string;
  let tarball: string;
  let repo: TestRepo;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "gitgate-action-"));
    tarball = await packGitgate(work);
    repo = await createTestRepo({
      ".github/gitgate.yml": 'version: 1\nschemas:\n  - files: "k8s/*.yaml"\n    schema: kubernetes\npolicies:\n  builtin: [kubernetes]\n',
      "k8s/web.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n",
    });
    await repo.branch("feature", "main", {
      "k8s/web.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:latest\n",
    });
    spawnSync("git", ["checkout", "-q", "feature"], { cwd: repo.dir });
  }, 120_000);
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
    await repo.remove();
  });

  /** One step of the action: its script with the step's inputs, and what it wrote to GITHUB_OUTPUT. */
  async function step(name: "plan" | "run", inputs: Record<string, string>, workspace = repo.dir) {
    const outputFile = join(work, `output-${name}-${Math.random().toString(36).slice(2)}`);
    const env: NodeJS.ProcessEnv = { ...noOpaEnv({ npm: true }), GITHUB_OUTPUT: outputFile, RUNNER_TEMP: work, GITHUB_WORKSPACE: workspace, GITHUB_BASE_REF: "main" };
    for (const [key, value] of Object.entries(inputs)) env[`INPUT_${key.toUpperCase()}`] = value;
    const result = spawnSync(process.execPath, [script, name], { cwd: workspace, env, encoding: "utf8" });
    const written = await readFile(outputFile, "utf8").catch(() => "");
    const outputs = Object.fromEntries(written.trim().split("\n").filter(Boolean).map((line) => line.split(/=(.*)/s).slice(0, 2)));
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, outputs };
  }

  it("builds its own checkout by default: the package is not on the registry, so no default may name it", async () => {
    expect((action.inputs.package as { default?: string }).default).toBe("source");
    const plan = await step("plan", { command: "check" });
    expect(plan.status).toBe(0);
    // Building compiles the built-in packs: the pinned OPA is set up for it.
    expect(plan.outputs["needs-opa"]).toBe("true");
    expect(plan.stdout).toContain("built from source");
  });

  it("checks a pull request with only the built-in packs, without OPA, and writes SARIF for code scanning", async () => {
    const plan = await step("plan", { command: "check", package: tarball });
    expect(plan.outputs).toEqual({ "needs-opa": "false", "opa-version": "v1.22.3", "opa-dir": expect.stringMatching(/gitgate\/opa\/v1\.22\.3$/) });
    expect(plan.status).toBe(0);

    // GITHUB_BASE_REF=main: the base is origin/main, as actions/checkout fetches it; here the repository
    // has no remote, so it is named explicitly.
    const run = await step("run", { command: "check", base: "main", package: tarball, format: "text", sarif: "gitgate.sarif" });
    // The readable report in the log, the SARIF file for code scanning.
    expect(run.stdout).toMatch(/^ {2}8:14 +error +container "web" uses the :latest tag: pin a version tag or a digest +k8s\/image-tag$/m);
    expect(run.outputs).toEqual({ sarif: join(repo.dir, "gitgate.sarif"), "exit-code": "1" });
    const sarif = JSON.parse(await readFile(join(repo.dir, "gitgate.sarif"), "utf8")) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    const results = sarif.runs[0]!.results.filter((r) => r.ruleId === "k8s/image-tag").map((r) => `${r.locations[0]!.physicalLocation.artifactLocation.uri}:${r.locations[0]!.physicalLocation.region.startLine}`);
    expect(results).toEqual(["k8s/web.yaml:8"]);
    expect(run.status).toBe(1);
  }, 120_000);

  it("validates the files named, and asks for OPA when the repository has its own Rego", async () => {
    const run = await step("run", { command: "validate", paths: "k8s/web.yaml", package: tarball, format: "json" });
    expect((JSON.parse(run.stdout) as { findings: { rule: string }[] }).findings.map((f) => f.rule)).toContain("k8s/image-tag");
    expect(run.status).toBe(1);

    const withRego = await createTestRepo({ ".github/gitgate.yml": "version: 1\npolicies:\n  paths: [policy/]\n", "policy/main.rego": "package main\n" });
    try {
      const plan = await step("plan", { command: "check", package: tarball }, withRego.dir);
      expect(plan.outputs["needs-opa"]).toBe("true");
    } finally {
      await withRego.remove();
    }
  }, 120_000);

  it("passes every input of action.yml to the script, and runs the script's two steps", () => {
    expect(action.runs.using).toBe("composite");
    const scriptSteps = action.runs.steps.filter((s) => s.run?.includes("scripts/action/gitgate-action.ts"));
    expect(scriptSteps.map((s) => s.run!.split(" ").at(-1))).toEqual(["plan", "run"]);
    const passed = new Set(scriptSteps.flatMap((s) => Object.keys(s.env ?? {})));
    const expected = Object.keys(action.inputs).filter((name) => name !== "node-version").map((name) => `INPUT_${name.toUpperCase().replaceAll("-", "_")}`);
    expect([...passed].sort()).toEqual(expected.sort());
    for (const s of scriptSteps) for (const [key, value] of Object.entries(s.env ?? {})) expect(value).toBe(`\${{ inputs.${key.slice(6).toLowerCase()} }}`);
  });
});
