import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { brief } from "../support/parse-text.js";
import { checkJson, runCli } from "../support/run-cli.js";

// Inputs whose cost used to grow faster than their size (issue #9). Each must be judged, as findings,
// like any other input; before the fixes most of these ran for a minute or more.
describe("gitgate check on inputs built to be expensive", () => {
  let repo: TestRepo;
  const dashes = "-".repeat(240);
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\nignore: ['**/*-*-*-*-*.yml']\nschemas:\n  - files: 'apps/**'\n    schema: schemas/app.json\n",
      // Something for `apps/**` to match at the base: a glob matching no file is a warning of its own.
      "apps/ok.yaml": "name: ok\n",
      "schemas/app.json": JSON.stringify({ type: "object", properties: { name: { type: "string", pattern: "^([a-z0-9]+-?)+$" } } }),
    });
    const flat = Array.from({ length: 75_000 }, (_, i) => `key${String(i).padStart(6, "0")}: v\n`).join("");
    const anchor = Array.from({ length: 20_000 }, (_, i) => `  key${i}: ${i}\n`).join("");
    await repo.branch("flat", "main", { "big.yaml": `${flat}key000042: again\n` });
    await repo.branch("aliases", "main", { "bomb.yaml": `a: &a\n${anchor}b:\n${"  - *a\n".repeat(99)}` });
    await repo.branch("secret", "main", {
      "secret.json": '{\n  "apiVersion": "v1",\n  "kind": "Secret",\n  "metadata": {"name": "db"},\n  "stringData": {"password": \'S12-hunter2-topsecret\'}\n}\n',
    });
    await repo.branch("pattern", "main", { "apps/a.yaml": `name: ${"a".repeat(40)}!\n` });
    await repo.branch("names", "main", Object.fromEntries([1, 2, 3].map((i) => [`x${i}${dashes}.yaml`, "a: [\n"])));
  });
  afterAll(() => repo.remove());

  it("finds a duplicate key among 75,000 at its line", async () => {
    const { report } = await checkJson(repo.dir, "flat");
    expect(report.findings.map(brief)).toEqual(["error yaml/duplicate-key big.yaml:75001:1 new"]);
  });

  it("refuses 99 aliases of a 20,000-key map at the alias that overdraws the budget", async () => {
    const { report } = await checkJson(repo.dir, "aliases");
    expect(report.findings.map(brief)).toEqual(["error yaml/alias-limit bomb.yaml:20004:5 new"]);
    expect(report.conclusion).toBe("failure");
  });

  it("reports a JSON syntax error by its place, and the value appears in no output format", async () => {
    const { report } = await checkJson(repo.dir, "secret");
    expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
      "error json/syntax secret.json:5:30 new Invalid JSON: unexpected character at line 5, column 30.",
    ]);
    for (const format of ["text", "json", "markdown", "sarif"]) {
      const run = await runCli(["check", "--repo", repo.dir, "--base", "main", "--head", "secret", "--format", format]);
      expect(run.status).toBe(1);
      expect(run.stdout + run.stderr).not.toMatch(/S12|hunter2|topsecret/);
    }
  });

  it("runs a schema pattern that backtracks catastrophically in linear time", async () => {
    const { report } = await checkJson(repo.dir, "pattern");
    expect(report.findings.map(brief)).toEqual(["error schema/pattern apps/a.yaml:1:7 new"]);
  });

  it("matches a glob of many stars against names of 240 dashes in linear time", async () => {
    const { report } = await checkJson(repo.dir, "names");
    // The names end in .yaml, so the .yml ignore glob does not apply: each file is judged.
    expect(report.findings.map(brief)).toEqual([1, 2, 3].map((i) => `error yaml/syntax x${i}${dashes}.yaml:2:1 new`));
  });
});

describe("gitgate validate on messages built to be expensive to scrub", () => {
  // A message scrubbing changes is cut at the paths it may quote. The stops after each run of path
  // characters were trimmed with /\.+$/, tried again from every dot of a run: a 600,000-dot image
  // quoted by an ordinary policy, with a token in it, ran into the evaluation's time bound (minutes).
  it("keeps the paths of a message quoting a run of 600,000 dots in linear time", async () => {
    const repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\npolicies:\n  paths: [policy/]\n",
      "policy/main.rego": 'package main\n\nimport rego.v1\n\ndeny contains sprintf("image %s is not from the approved registry", [c.image]) if {\n  some c in input.spec.template.spec.containers\n  not startswith(c.image, "registry.example.com/")\n}\n',
      "d.yaml": `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: "/${".".repeat(600_000)}x ghp_${"a".repeat(36)}"\n`,
    });
    try {
      const run = await runCli(["validate", "--repo", repo.dir, "--format", "json"]);
      const report = JSON.parse(run.stdout) as { findings: { rule: string; message: string }[] };
      expect(report.findings.map((f) => `${f.rule} ${f.message}`)).toEqual(["main/deny image ••• is not from the approved registry"]);
    } finally {
      await repo.remove();
    }
  });
});

describe("gitgate check on a preview built to be expensive to mask", () => {
  // The preview judged each node by its JSON pointer, built and split again for each: 99 maps deep
  // under 3,000-character keys, a list of zeros at the bottom ran into the evaluation's time bound.
  it("masks a document nested 99 levels under long keys in linear time", async () => {
    const keys = Array.from({ length: 99 }, (_, i) => String(i).padStart(3000, "0"));
    const deep = keys.reduceRight<string>((inner, key) => `{"${key}":${inner}}`, `[${new Array(300_000).fill(0).join(",")}]`);
    const repo = await createTestRepo({ ".github/gitgate.yml": "version: 1\n" });
    try {
      await repo.branch("deep", "main", { "deep.json": deep });
      const { report } = await checkJson(repo.dir, "deep");
      expect(report.findings.map(brief)).toEqual([]);
      expect(report.diff.objects.map((o) => `${o.status} ${o.id}`)).toEqual(["added deep.json"]);
    } finally {
      await repo.remove();
    }
  });
});

describe("gitgate check on a kustomization of many inline patches", () => {
  // Whether a changed field is an inline patch for a Secret was told by reading every inline patch of
  // the kustomization again, for each changed field: 3,000 changed patches ran into the time bound.
  it("previews a change to 3,000 inline patches in linear time", async () => {
    const kustomization = (replicas: number) => "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\npatches:\n" +
      Array.from({ length: 3000 }, (_, i) => `  - patch: "apiVersion: apps/v1\\nkind: Deployment\\nmetadata: {name: web-${i}}\\nspec: {replicas: ${replicas}}\\n"\n`).join("");
    const repo = await createTestRepo({ ".github/gitgate.yml": "version: 1\nrender: false\n", "app/kustomization.yaml": kustomization(1) });
    try {
      await repo.branch("scale", "main", { "app/kustomization.yaml": kustomization(2) });
      const { report } = await checkJson(repo.dir, "scale");
      expect(report.diff.objects.map((o) => `${o.status} ${o.path} ${o.changes.length}`)).toEqual(["changed app/kustomization.yaml 3000"]);
    } finally {
      await repo.remove();
    }
  });
});
