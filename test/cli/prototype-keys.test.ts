import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { checkJson, runCli } from "../support/run-cli.js";

/**
 * Names that are also properties of every JavaScript object (`__proto__`, `constructor`) come from
 * input as kinds, paths and keys: each must be an ordinary name, never a lookup of Object.prototype.
 */
describe("input named like Object.prototype's properties", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({ ".github/gitgate.yml": "version: 1\nfiles: ['**']\n", "a.yaml": "a: 1\n" });
    await repo.branch("pr", "main", {
      "objects.yaml": "apiVersion: x/v1\nkind: __proto__\nmetadata: { name: a }\n---\napiVersion: x/v1\nkind: constructor\nmetadata: { name: b }\n",
      // A computed key: a literal "__proto__": in an object literal would set the prototype instead.
      ["__proto__"]: "enabled: yes\n",
    });
  });
  afterAll(() => repo.remove());

  it("counts objects of kind __proto__ and constructor in the preview like any kind", async () => {
    const { report } = await checkJson(repo.dir, "pr");
    expect(Object.entries(report.diff.byKind)).toEqual([
      ["(other)", { added: 1, changed: 0, removed: 0, moved: 0 }],
      ["__proto__", { added: 1, changed: 0, removed: 0, moved: 0 }],
      ["constructor", { added: 1, changed: 0, removed: 0, moved: 0 }],
    ]);
    expect(({} as Record<string, unknown>).added).toBeUndefined();
  });

  it("shows the source line of a finding in a file named __proto__", async () => {
    const run = await runCli(["check", "--repo", repo.dir, "--base", "main", "--head", "pr", "--format", "text"]);
    expect(run.stdout).toContain("enabled: yes");
  });
});
