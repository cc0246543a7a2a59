import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";
import { where } from "../support/parse-text.js";

describe("loadConfig", () => {
  it("applies defaults to a minimal config", () => {
    const { config, errors, warnings } = loadConfig("version: 1\n");
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      files: ["**/*.yaml", "**/*.yml", "**/*.json"],
      ignore: [],
      failOn: "new",
      schemas: [],
      limits: { maxFileBytes: 4194304 },
      yamlVersion: "auto",
      approvals: { invalidateOnPush: true, allowAuthor: false, controlPlane: { count: 1 } },
    });
  });

  it("reads the full shape from DESIGN.md", () => {
    const text = [
      "version: 1",
      'files: ["**/*.yaml"]',
      'ignore: "docs/**"',
      "fail_on: all",
      "schemas:",
      "  - files: apps/*/values.yaml",
      "    schema: schemas/values.schema.json",
      "  - files: clusters/**",
      "    schema: kubernetes",
      "    strict: true",
      "policies: { builtin: [kubernetes, gitops], paths: [policy/] }",
      "exceptions: .github/gitgate-exceptions.yml",
      "approvals:",
      "  rules:",
      "    - { name: production, files: [clusters/prod/**], count: 2, teams: [platform-leads] }",
      "    - { name: default, count: 1 }",
      "  invalidate_on_push: true",
      "  allow_author: false",
      "  allow_contributors: true",
      "  codeowners: true",
      "  control_plane: { count: 1, teams: [platform-admins] }",
      "protect: { branches: [main], on_bypass: [check, issue], branch_protection: report }",
      'preview: { comment: true, redact: ["**/secrets/**"] }',
    ].join("\n");
    const { config, errors } = loadConfig(text);
    expect(errors).toEqual([]);
    expect(config!.ignore).toEqual(["docs/**"]);
    expect(config!.schemas.map((s) => [s.schema, s.strict, s.at.line, s.at.column])).toEqual([
      ["schemas/values.schema.json", undefined, 7, 13],
      ["kubernetes", true, 9, 13],
    ]);
    expect(config!.approvals).toMatchObject({ allowContributors: true, codeowners: true, requestReviews: false });
    expect(config!.approvals.rules[0]).toEqual({ name: "production", files: ["clusters/prod/**"], count: 2, users: [], teams: ["platform-leads"] });
  });

  it("accepts every section of the format without a not-enforced warning: approvals, the guard and branch protection are enforced", () => {
    const { config, warnings } = loadConfig("version: 1\napprovals:\n  rules: [{ name: default }]\nprotect:\n  branches: [main, \"release/*\"]\n  on_bypass: [check, issue, revert]\n  branch_protection: report\n");
    expect(config).toBeDefined();
    expect(config!.protect).toEqual({ branches: ["main", "release/*"], onBypass: ["check", "issue", "revert"], branchProtection: "report" });
    expect(warnings).toEqual([]);
  });

  it("says on its line that render.network: true fetches nothing yet", () => {
    const { config, warnings } = loadConfig("version: 1\nrender:\n  network: true\n");
    expect(config).toBeDefined();
    expect(warnings.map(where)).toEqual(["warning config/not-enforced 3:3"]);
    expect(warnings[0]!.message).toBe("render.network: fetching remote Kustomize bases and chart dependencies (render.network: true) is not enforced by this version of Gitgate yet: this setting is read, checked and ignored.");
  });

  it("leaves protect.branches unset for the repository's default branch, and refuses a bad branch glob where it is written", () => {
    expect(loadConfig("version: 1\nprotect: {}\n").config!.protect).toEqual({ onBypass: ["check", "issue"], branchProtection: "report" });
    const { errors } = loadConfig("version: 1\nprotect:\n  branches: [\"release/[\"]\n");
    expect(errors.map(where)).toEqual(["error config/glob 3:14"]);
  });

  it("reports an unknown key at its line and column", () => {
    const { config, errors } = loadConfig("version: 1\nschemas:\n  - files: a.yaml\n    schema: kubernetes\n    stric: true\n");
    expect(config).toBeUndefined();
    expect(errors.map(where)).toEqual(["error config/unknown-key 5:5"]);
    expect(errors[0]).toMatchObject({ path: ".github/gitgate.yml", source: "config", message: "schemas[0].stric: unknown property (not allowed by the schema)" });
  });

  it("reports a wrong type at the value", () => {
    const { errors } = loadConfig("version: 1\nfail_on: sometimes\npreview:\n  comment: yes\n");
    expect(errors.map(where)).toEqual(["error config/invalid 2:10", "error config/invalid 4:12"]);
    expect(errors.map((e) => e.message)).toEqual(['fail_on must be one of: "new", "all"', "preview.comment must be a boolean"]);
  });

  it("reports a missing version at the top", () => {
    const { errors } = loadConfig("files: ['*.yaml']\n");
    expect(errors.map(where)).toEqual(["error config/invalid 1:1"]);
    expect(errors[0]!.message).toBe('missing required property "version"');
  });

  it("reports invalid globs at the glob", () => {
    const { errors } = loadConfig("version: 1\nfiles:\n  - 'clusters/[prod'\n  - /apps/**\nignore: '{a,b'\n");
    expect(errors.map(where)).toEqual(["error config/glob 3:5", "error config/glob 4:5", "error config/glob 5:9"]);
    expect(errors[1]!.message).toContain('drop the leading "/"');
  });

  it("rejects schema paths that leave the repository", () => {
    const { errors } = loadConfig("version: 1\nschemas:\n  - files: a.yaml\n    schema: ../outside.json\n");
    expect(errors.map(where)).toEqual(["error config/invalid 4:13"]);
  });

  it("reports YAML errors in the config itself", () => {
    const { errors } = loadConfig("version: 1\nfiles: [a\n");
    expect(errors.map((e) => e.rule)).toEqual(["yaml/syntax"]);
    expect(errors[0]!.source).toBe("config");
  });

  it("rejects an empty config", () => {
    expect(loadConfig("# nothing\n").errors.map(where)).toEqual(["error config/empty 1:1"]);
  });

  it("reads a config once for its repeated reads, and hands out what no reader can change for another", () => {
    const text = 'version: 1\nfiles: ["k8s/**"]\nschemas:\n  - files: k8s/**\n    schema: kubernetes\n';
    const first = loadConfig(text, ".github/gitgate.yml");
    expect(loadConfig(text, ".github/gitgate.yml")).toBe(first);
    // The same text under another path is another file: its findings name that path.
    expect(loadConfig(text, "org/.github/gitgate.yml")).not.toBe(first);
    expect(() => (first.errors as unknown[]).push("x")).toThrow(TypeError);
    expect(() => Object.assign(first.config!, { failOn: "all" })).toThrow(TypeError);
    expect(loadConfig(text, ".github/gitgate.yml").config?.failOn).toBe("new");
    // Only the last two are kept: a worker that judges many repositories does not keep their configs.
    loadConfig("version: 1\n", "a.yml");
    loadConfig("version: 1\n", "b.yml");
    expect(loadConfig(text, ".github/gitgate.yml")).not.toBe(first);
  });
});
