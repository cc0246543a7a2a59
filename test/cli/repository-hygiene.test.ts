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
    const repo = await createTestRepo({ ".github/gitgate.yml": "version: 1\nfiles: ['k8s/**/*.yaml']\n", "docs/a.md": "a\n" });
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
