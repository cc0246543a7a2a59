import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/engine/report.js";
import { createTestRepo, type Files, type TestRepo } from "../support/git-repo.js";
import { runCli } from "../support/run-cli.js";

// A validate of many files is judged on several threads (GITGATE_EVALUATION_WORKERS, default the
// CPUs): the report must be the one a single thread gives, down to the order of findings, the source
// lines shown and the secrets scrubbed from them, whichever thread judged the file holding the secret.
const secret = "hunter2-correct-horse-battery";
// A chart's values, which nothing renders in a validate: any of them may be a Secret's.
const chartValue = "conn-string-Value-42x";

function manyFiles(): Files {
  const files: Files = {
    ".github/gitgate.yml": "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\npolicies:\n  paths: [policy/]\n",
    "policy/main.rego": "package main\n\nimport rego.v1\n\ndeny contains msg if {\n\tinput.kind == \"ConfigMap\"\n\tnot input.metadata.labels.team\n\tmsg := sprintf(\"ConfigMap %v has no team label\", [input.metadata.name])\n}\n",
  };
  for (let i = 0; i < 90; i++) {
    const name = `cm-${String(i).padStart(3, "0")}`;
    // Every 7th file has an unknown field whose line quotes the secret; the Secret itself comes last.
    const labels = i % 5 === 0 ? "  labels: {team: a}\n" : "";
    files[`k8s/${name}.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${labels}${i % 7 === 0 ? `extra: ${secret}\n` : ""}data:\n  k: v\n`;
  }
  // Kustomize patches and Helm templates among them: read as such whichever thread judges them.
  files["k8s/overlay/kustomization.yaml"] = `resources: [../base]\npatches:\n${Array.from({ length: 20 }, (_, i) => `  - path: patch-${i}.yaml\n`).join("")}`;
  files["k8s/chart/Chart.yaml"] = "apiVersion: v2\nname: c\nversion: 1.0.0\n";
  files["k8s/chart/values.yaml"] = `conn: ${chartValue}\n`;
  for (let i = 0; i < 20; i++) {
    files[`k8s/overlay/patch-${i}.yaml`] = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-${i}\nspec:\n  replicas: ${i}\n`;
    files[`k8s/chart/templates/cm-${i}.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-${i}\n`;
  }
  files["k8s/zz-secret.yaml"] = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: ${secret}\n`;
  return files;
}

async function validateWith(repo: TestRepo, workers: string, format = "json") {
  const before = process.env.GITGATE_EVALUATION_WORKERS;
  process.env.GITGATE_EVALUATION_WORKERS = workers;
  try {
    return await runCli(["validate", "--repo", repo.dir, "--format", format]);
  } finally {
    if (before === undefined) delete process.env.GITGATE_EVALUATION_WORKERS;
    else process.env.GITGATE_EVALUATION_WORKERS = before;
  }
}

describe("gitgate validate on several threads", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo(manyFiles());
  });
  afterAll(() => repo.remove());

  it("reports exactly what one thread reports, with secrets scrubbed from every line shown", { timeout: 120_000 }, async () => {
    const one = await validateWith(repo, "1");
    const three = await validateWith(repo, "3");
    expect(three.stderr).toBe("");
    expect(three.status).toBe(1);
    expect(three.stdout).toBe(one.stdout);
    expect(three.stdout).not.toContain(secret);
    const report = JSON.parse(three.stdout) as Report;
    expect(report.summary.governedFiles).toBe(134);
    expect(report.findings.filter((f) => f.rule === "file/kustomize-patch").map((f) => f.path).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `k8s/overlay/patch-${i}.yaml`).sort(),
    );
    // Each template is named, never parsed (a `{{ }}` is no YAML).
    expect(report.findings.filter((f) => f.path.startsWith("k8s/chart/templates/")).map((f) => `${f.rule} ${f.path}`).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `file/helm-template k8s/chart/templates/cm-${i}.yaml`).sort(),
    );
    expect(report.findings.filter((f) => f.rule === "schema/unknown-field").map((f) => `${f.path}:${f.line}`)).toEqual(
      Array.from({ length: 13 }, (_, k) => `k8s/cm-${String(k * 7).padStart(3, "0")}.yaml:${k % 5 === 0 ? 6 : 5}`),
    );
    expect(report.findings.filter((f) => f.rule === "main/deny")).toHaveLength(72);
    // The text report shows the source line of each finding: scrubbed there too.
    const text = await validateWith(repo, "3", "text");
    expect(text.stdout).toBe((await validateWith(repo, "1", "text")).stdout);
    expect(text.stdout).toContain("extra: •••");
    expect(text.stdout).not.toContain(secret);
    expect(text.stdout).toContain("k8s/chart/values.yaml\n  1:1      error");
    expect(text.stdout).not.toContain(chartValue);
  });
});
