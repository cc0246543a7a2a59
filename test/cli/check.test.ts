import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildExampleRepo, type ExampleRepo } from "../../src/examples/example-repo.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { brief } from "../support/parse-text.js";
import { checkJson, runCli } from "../support/run-cli.js";


describe("gitgate check on the bundled example", () => {
  let example: ExampleRepo;
  beforeAll(async () => {
    example = await buildExampleRepo();
  });
  afterAll(() => example.remove());

  it("passes the clean PR with exit status 0", async () => {
    const { status, report } = await checkJson(example.dir, "clean");
    expect(status).toBe(0);
    expect(report.conclusion).toBe("success");
    expect(report.findings).toEqual([]);
    expect(report.summary).toMatchObject({ changedFiles: 3, governedFiles: 3, documents: 7 });
    expect(report.diff.summary).toEqual({ added: 0, changed: 3, removed: 0, moved: 0, formattingOnlyFiles: 0 });
    expect(report.diff.objects.map((o) => `${o.status} ${o.id} ${o.changes.map((c) => c.field).join(",")}`)).toEqual([
      "changed apps/web/values.yaml image.tag",
      "changed apps/v1 Deployment web/web spec.replicas",
      "changed apps/v1 Deployment web/web spec.template.spec.containers[web].image",
    ]);
  });

  it("shows the preview after the findings in text and Markdown", async () => {
    const text = await runCli(["check", "--repo", example.dir, "--base", "main", "--head", "clean"]);
    expect(text.stdout).toContain("Preview: 0 added, 3 changed, 0 removed\n~ apps/web/values.yaml  apps/web/values.yaml:2\n    image.tag: 2.14.0 → 2.15.0\n");
    const markdown = await runCli(["check", "--repo", example.dir, "--base", "main", "--head", "clean", "--format", "markdown"]);
    // Markdown reads as the PR comment: one headline, then the changes.
    expect(markdown.stdout).toMatch(/^### ✅ Passes: All governed files are valid · 1 object changed in apps\\\/; 1 object changed in production; 1 object changed in staging\n/);
    expect(markdown.stdout).toContain("#### Changes (3)");
  });

  it("fails the broken PR with each error on its exact line and column", async () => {
    const { status, report } = await checkJson(example.dir, "broken-schema");
    expect(status).toBe(1);
    expect(report.conclusion).toBe("failure");
    expect(report.findings.map(brief)).toEqual([
      "error schema/not apps/api/values.yaml:4:8 new",
      "error schema/type apps/api/values.yaml:5:15 new",
      "error schema/required clusters/production/api.yaml:21:11 new",
      "error schema/type clusters/production/api.yaml:64:12 new",
      // `yes` in a manifest is the boolean kubectl sends, which ConfigMap data refuses.
      "error schema/type clusters/production/api.yaml:65:10 new",
      "warning yaml/yaml11-boolean clusters/production/api.yaml:65:10 new",
    ]);
    expect(report.findings[3]).toMatchObject({ document: 2, pointer: "/data/retries", message: "data.retries must be a string (Kubernetes v1 ConfigMap)" });
  });

  it("judges a PR that edits the config by the base config", async () => {
    const { status, report } = await checkJson(example.dir, "control-plane-tampering");
    expect(status).toBe(1);
    expect(report.findings.map(brief)).toEqual([
      "error schema/type clusters/production/api.yaml:9:13 new",
      "notice config/control-plane-change .github/gitgate.yml:1:1 new",
    ]);
    expect(report.controlPlane.changed).toEqual([".github/gitgate.yml"]);
  });
});

describe("gitgate check: the change and its base", () => {
  const config = "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\n";
  const cm = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n${data}`;
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": config,
      "k8s/settings.yaml": cm("  retries: 3\n"),
      "k8s/old.yaml": cm("  a: b\n"),
      "docs/notes.yaml": "not: [valid\n",
    });
    await repo.branch("touch-broken", "main", { "k8s/settings.yaml": "# comment moves lines\n" + cm("  retries: 3\n  region: eu\n") });
    await repo.branch("worsen-broken", "main", { "k8s/settings.yaml": cm("  retries: 3\n  timeout: 30\n") });
    await repo.branch("delete", "main", { "k8s/old.yaml": null });
    await repo.branch("same-with-config-change", "main", {
      ".github/gitgate.yml": "version: 1\nignore: ['k8s/**']\n",
      "k8s/new.yaml": cm("  n: \"1\"\n  m: \"2\"\n  bad: true\n"),
    });
    await repo.branch("same-without-config-change", "main", { "k8s/new.yaml": cm("  n: \"1\"\n  m: \"2\"\n  bad: true\n") });
    await repo.branch("broken-head-config", "main", { ".github/gitgate.yml": "version: 2\n" });
  });
  afterAll(() => repo.remove());

  it("marks an error the base already had as existing and does not fail on it", async () => {
    const { status, report } = await checkJson(repo.dir, "touch-broken");
    expect(report.findings.map(brief)).toEqual(["error schema/type k8s/settings.yaml:7:12 existing"]);
    expect(report.summary).toMatchObject({ errors: 1, newErrors: 0, existingErrors: 1 });
    expect(report.conclusion).toBe("success");
    expect(status).toBe(0);
  });

  it("marks only the added error as new in an already-invalid file", async () => {
    const { status, report } = await checkJson(repo.dir, "worsen-broken");
    expect(report.findings.map(brief)).toEqual([
      "error schema/type k8s/settings.yaml:6:12 existing",
      "error schema/type k8s/settings.yaml:7:12 new",
    ]);
    expect(status).toBe(1);
  });

  it("fails on existing errors too with fail_on: all", async () => {
    const strictConfig = `${config}fail_on: all\n`;
    const strict = await createTestRepo({ ".github/gitgate.yml": strictConfig, "k8s/settings.yaml": cm("  retries: 3\n") });
    try {
      await strict.branch("touch", "main", { "k8s/settings.yaml": cm("  retries: 3\n  region: eu\n") });
      const { status, report } = await checkJson(strict.dir, "touch");
      expect(report.findings.map(brief)).toEqual(["error schema/type k8s/settings.yaml:6:12 existing"]);
      expect(report.failOn).toBe("all");
      expect(report.conclusion).toBe("failure");
      expect(status).toBe(1);
    } finally {
      await strict.remove();
    }
  });

  it("counts a deleted governed file as part of the change", async () => {
    const { status, report } = await checkJson(repo.dir, "delete");
    expect(status).toBe(0);
    expect(report.summary).toMatchObject({ changedFiles: 1, governedFiles: 1, documents: 0 });
  });

  it("judges a PR the same whether or not it also edits the config", async () => {
    const withChange = await checkJson(repo.dir, "same-with-config-change");
    const without = await checkJson(repo.dir, "same-without-config-change");
    const judged = (r: typeof without.report) => r.findings.filter((f) => f.rule !== "config/control-plane-change");
    expect(judged(withChange.report)).toEqual(judged(without.report));
    // The key `n` is the boolean false to kubectl (a YAML 1.1 manifest): a warning on it.
    expect(judged(without.report).map(brief)).toEqual(["error schema/type k8s/new.yaml:8:8 new", "warning yaml/yaml11-boolean k8s/new.yaml:6:3 new"]);
    expect(withChange.status).toBe(1);
    expect(withChange.report.controlPlane.digests[".github/gitgate.yml"]).toBe(without.report.controlPlane.digests[".github/gitgate.yml"]);
  });

  it("tells a PR that the config it proposes is invalid", async () => {
    const { status, report } = await checkJson(repo.dir, "broken-head-config");
    expect(report.findings.map(brief)).toEqual([
      "error config/invalid .github/gitgate.yml:1:10 new",
      "notice config/control-plane-change .github/gitgate.yml:1:1 new",
    ]);
    expect(status).toBe(1);
  });

  it("exits 2 with a clear message for a ref that does not exist", async () => {
    const run = await runCli(["check", "--repo", repo.dir, "--base", "main", "--head", "no-such-branch"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`gitgate: "no-such-branch" is not a commit in ${repo.dir}\n`);
  });

  it("exits 2 when the config at the base is invalid, with the error on the config file", async () => {
    const broken = await createTestRepo({ ".github/gitgate.yml": "version: 1\nfail_on: never\n", "a.yaml": "a: 1\n" });
    try {
      await broken.branch("pr", "main", { "a.yaml": "a: 2\n" });
      const { status, report } = await checkJson(broken.dir, "pr");
      expect(status).toBe(2);
      expect(report.conclusion).toBe("failure");
      expect(report.title).toBe("Gitgate config at the base is invalid");
      expect(report.findings.map(brief)).toEqual(["error config/invalid .github/gitgate.yml:2:10 new"]);
      // A PR that repairs only the control plane is not locked out by the broken base.
      await broken.branch("repair", "main", { ".github/gitgate.yml": "version: 1\nfail_on: all\n" });
      const repair = await checkJson(broken.dir, "repair");
      expect(repair.report.findings.map(brief)).toEqual([
        "error config/invalid .github/gitgate.yml:2:10 existing",
        "notice config/control-plane-change .github/gitgate.yml:1:1 new",
      ]);
      expect(repair.report.conclusion).toBe("success");
    } finally {
      await broken.remove();
    }
  });

  it("uses --config instead of the base config", async () => {
    const { report } = await checkJson(repo.dir, "same-with-config-change", ["--config", `${repo.dir}/.github/gitgate.yml`]);
    expect(report.findings.filter((f) => f.severity === "error").map(brief)).toEqual(["error schema/type k8s/new.yaml:8:8 new"]);
  });

  it("rejects unknown options and formats with exit status 2", async () => {
    for (const args of [["check", "--nope"], ["check", "--format", "xml"], ["frobnicate"], []]) {
      const run = await runCli(args);
      expect(run.status, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(/^gitgate: .+\n\nUsage: gitgate/);
    }
  });
});
