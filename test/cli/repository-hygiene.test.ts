import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Finding } from "../../src/engine/finding.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { branchWithLinks } from "../support/repo-links.js";
import { checkJson } from "../support/run-cli.js";

const brief = (f: Finding) => `${f.severity} ${f.rule} ${f.path}:${f.line}:${f.column} ${f.status}`;
export const privilegedPod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: root\nspec:\n  containers:\n    - name: c\n      image: busybox:1.36\n      securityContext:\n        privileged: true\n";
const someCommit = "0123456789abcdef0123456789abcdef01234567";

describe("gitgate check: symlinks and submodules in governed paths", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    // Policies only, no schema: a link's text parses as a harmless YAML string that no policy flags.
    repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\nignore: ['unchecked/**', 'vendor/**']\npolicies:\n  builtin: [kubernetes]\n",
      "unchecked/pod.yaml": privilegedPod,
      "README.md": "# readme\n",
    });
    await branchWithLinks(repo, "symlink-file", "main", { symlinks: { "k8s/pod.yaml": "../unchecked/pod.yaml" } });
    await branchWithLinks(repo, "symlink-folder", "main", { symlinks: { "k8s/prod": "../unchecked" } });
    await branchWithLinks(repo, "submodule", "main", { gitlinks: { "k8s/charts": someCommit } });
    await branchWithLinks(repo, "ignored-submodule", "main", { gitlinks: { "vendor/lib": someCommit }, symlinks: { "vendor/pod.yaml": "../unchecked/pod.yaml" } });
  });
  afterAll(() => repo.remove());

  it("fails a symlink at a governed path, never judging the link text as the file", async () => {
    const { status, report } = await checkJson(repo.dir, "symlink-file");
    expect(report.findings.map(brief)).toEqual(["error file/symlink k8s/pod.yaml:1:1 new"]);
    expect(report.findings[0]!.message).toMatch(/does not follow links/);
    expect(report.summary).toMatchObject({ governedFiles: 1, documents: 0 });
    expect(status).toBe(1);
  });

  it("fails a symlink that may stand for a folder of governed files", async () => {
    const { status, report } = await checkJson(repo.dir, "symlink-folder");
    expect(report.findings.map(brief)).toEqual(["error file/symlink k8s/prod:1:1 new"]);
    expect(status).toBe(1);
  });

  it("fails a submodule where governed files could live", async () => {
    const { status, report } = await checkJson(repo.dir, "submodule");
    expect(report.findings.map(brief)).toEqual(["error file/submodule k8s/charts:1:1 new"]);
    expect(report.findings[0]!.message).toMatch(/submodule/);
    expect(status).toBe(1);
  });

  it("lets links under an ignored folder pass", async () => {
    const { status, report } = await checkJson(repo.dir, "ignored-submodule");
    expect(report.findings).toEqual([]);
    expect(status).toBe(0);
  });
});

describe("gitgate check: links outside the governed folders", () => {
  it("pass when no files glob could reach them", async () => {
    const repo = await createTestRepo({ ".github/gitgate.yml": "version: 1\nfiles: ['k8s/**/*.yaml']\n", "docs/a.md": "a\n", "k8s/a.yaml": "a: 1\n" });
    try {
      await branchWithLinks(repo, "pr", "main", { gitlinks: { "tools/lib": someCommit }, symlinks: { "docs/b.md": "a.md", "k8s.md": "docs/a.md" } });
      const { status, report } = await checkJson(repo.dir, "pr");
      expect(report.findings).toEqual([]);
      expect(status).toBe(0);
      await branchWithLinks(repo, "pr2", "main", { gitlinks: { "k8s/apps/lib": someCommit } });
      expect((await checkJson(repo.dir, "pr2")).report.findings.map(brief)).toEqual(["error file/submodule k8s/apps/lib:1:1 new"]);
    } finally {
      await repo.remove();
    }
  });
});

describe("gitgate check: the control plane stays inside the repository", () => {
  const kubernetes = "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\n";
  const badConfigMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  n: 1\n";
  const waiver = "exceptions:\n  - rule: schema/type\n    files: ['k8s/**']\n    reason: waived\n    owner: '@mallory'\n    expires: '2099-01-01'\n";

  it("refuses an exceptions path that leaves the repository, on its config line", async () => {
    const repo = await createTestRepo({ ".github/gitgate.yml": `${kubernetes}exceptions: ../../outside/exc.yml\n` });
    try {
      await repo.branch("pr", "main", { "k8s/bad.yaml": badConfigMap });
      const { status, report } = await checkJson(repo.dir, "pr");
      expect(report.findings.map(brief)).toEqual(["error config/invalid .github/gitgate.yml:5:13 new"]);
      expect(report.findings[0]!.message).toBe('exceptions "../../outside/exc.yml" must not leave the repository (no ".." segments)');
      expect(status).toBe(2);
    } finally {
      await repo.remove();
    }
  });

  it("refuses an exceptions file committed as a symlink instead of reading the link text", async () => {
    const repo = await createTestRepo({ ".github/gitgate.yml": kubernetes, "waivers/exc.yml": waiver });
    try {
      await branchWithLinks(repo, "linked", "main", { symlinks: { ".github/gitgate-exceptions.yml": "../waivers/exc.yml" } });
      await repo.branch("pr", "linked", { "k8s/bad.yaml": badConfigMap });
      const { status, report } = await checkJson(repo.dir, "pr", ["--base", "linked"]);
      // The refused file waives nothing; everything else is still judged (a broken control-plane file
      // fails the check with its own error without hiding the change's findings).
      expect(report.findings.map(brief)).toEqual([
        "error config/path .github/gitgate.yml:1:1 new",
        "error schema/type k8s/bad.yaml:6:6 new",
        "warning yaml/yaml11-boolean k8s/bad.yaml:6:3 new",
      ]);
      expect(report.findings[0]!.message).toBe("Exceptions cannot be loaded: .github/gitgate-exceptions.yml is a symbolic link: Gitgate does not follow links in the control plane, commit the file itself");
      expect(status).toBe(2);
    } finally {
      await repo.remove();
    }
  });

  it("refuses a schema committed as a symlink, on the schema's config line", async () => {
    const repo = await createTestRepo({ ".github/gitgate.yml": "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: schemas/app.json\n", "real/app.json": "{}" });
    try {
      await branchWithLinks(repo, "linked", "main", { symlinks: { "schemas/app.json": "../real/app.json" } });
      await repo.branch("pr", "linked", { "k8s/a.yaml": "a: 1\n" });
      const { report } = await checkJson(repo.dir, "pr", ["--base", "linked"]);
      expect(report.findings.map(brief)).toEqual(["error config/schema .github/gitgate.yml:4:13 new", "error schema/unusable k8s/a.yaml:1:1 new"]);
      expect(report.findings[0]!.message).toContain("schemas/app.json is a symbolic link");
    } finally {
      await repo.remove();
    }
  });

  it("refuses a policy file committed as a symlink, on the policies line", async () => {
    const repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\npolicies:\n  paths: [policy/]\n",
      "policy/main.rego": "package main\n\nimport rego.v1\n\ndeny contains \"no\" if false\n",
      "elsewhere/allow.rego": "package main\n",
    });
    try {
      await branchWithLinks(repo, "linked", "main", { symlinks: { "policy/other.rego": "../elsewhere/allow.rego" } });
      await repo.branch("pr", "linked", { "a.yaml": "a: 1\n" });
      const { status, report } = await checkJson(repo.dir, "pr", ["--base", "linked"]);
      expect(report.findings.map(brief)).toEqual(["error config/path .github/gitgate.yml:2:1 new"]);
      expect(report.findings[0]!.message).toBe("Policies cannot be loaded: policy/other.rego is a symbolic link: Gitgate does not follow links in the control plane, commit the file itself");
      expect(status).toBe(2);
    } finally {
      await repo.remove();
    }
  });
});

describe("gitgate check: control-plane files that are not text", () => {
  it("reports an exceptions file that is not UTF-8 and oversized policy data on their config lines instead of stopping", async () => {
    const repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\nfiles: ['k8s/**']\npolicies:\n  paths: [policy/]\n  data: [data/]\nexceptions: waivers.bin\n",
      "policy/main.rego": "package main\n\nimport rego.v1\n\ndeny contains \"never\" if false\n",
      "data/big.yaml": `list: [${"1,".repeat(2_200_000)}1]\n`,
      // Latin-1: a manifest would be read as kubectl reads it, a control-plane file must be UTF-8.
      "waivers.bin": Buffer.from("exceptions:\n  - rule: caf\xe9\n", "latin1"),
    });
    try {
      await repo.branch("pr", "main", { "k8s/a.yaml": "a: 1\n" });
      const { status, report } = await checkJson(repo.dir, "pr");
      expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
        "error config/path .github/gitgate.yml:3:1 new Policies cannot be loaded: data/big.yaml is larger than the 4 MiB Gitgate reads of a control-plane file",
        "error config/path .github/gitgate.yml:6:13 new Exceptions cannot be loaded: waivers.bin is binary or not UTF-8: a control-plane file must be UTF-8 text",
      ]);
      expect(status).toBe(2);
    } finally {
      await repo.remove();
    }
  });
});
