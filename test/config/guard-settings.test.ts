import { describe, expect, it } from "vitest";
import { guardSettingsOf } from "../../src/evaluation/guard-settings.js";

const path = ".github/gitgate.yml";
const org = (text: string) => ({ text, source: "acme/.github:.github/gitgate.yml" });

describe("the guard's settings from the config", () => {
  it("is on only with a protect: section, and requires approval only with approvals:", () => {
    expect(guardSettingsOf("version: 1\n", path, undefined)).toMatchObject({ enabled: false, requireApproval: false });
    expect(guardSettingsOf("version: 1\nprotect:\n  branches: [\"release/*\"]\n  on_bypass: [check]\napprovals:\n  rules: [{ name: r }]\n", path, undefined))
      .toEqual({ enabled: true, configValid: true, branches: ["release/*"], onBypass: ["check"], branchProtection: "report", requireApproval: true });
  });

  it("takes protect from the organisation's config when the repository inherits it, not otherwise", () => {
    const inherited = org("version: 1\nprotect:\n  on_bypass: [check, issue, revert]\n");
    expect(guardSettingsOf("_extends: .github\nversion: 1\n", path, inherited)).toMatchObject({ enabled: true, onBypass: ["check", "issue", "revert"] });
    expect(guardSettingsOf(undefined, path, inherited)).toMatchObject({ enabled: true });
    expect(guardSettingsOf("version: 1\n", path, inherited)).toMatchObject({ enabled: false });
  });

  it("sees a section however its key is written: quoted, in flow style, in a broken config or in the organisation's", () => {
    expect(guardSettingsOf('version: 1\n"protect":\n  branches: ["release/*"]\n\'approvals\':\n  rules: [{ name: r }]\n', path, undefined)).toMatchObject({ enabled: true, configValid: true, requireApproval: true });
    expect(guardSettingsOf('{ version: 1, protect: { branches: main }, "approvals": {} }\n', path, undefined)).toMatchObject({ enabled: true, configValid: false, requireApproval: true });
    expect(guardSettingsOf('version: 1\n"protect" :\n  branches: main\n"approvals": [\n', path, undefined)).toMatchObject({ enabled: true, configValid: false, requireApproval: true });
    expect(guardSettingsOf("_extends: .github\nversion: 1\n", path, org('version: 1\n"protect": {}\n"approvals":\n  rules: [{ name: r }]\n'))).toMatchObject({ enabled: true, requireApproval: true });
    expect(guardSettingsOf("version: 1\nprotected: true\nunapprovals: {}\n", path, undefined)).toMatchObject({ enabled: false, configValid: false, requireApproval: false });
    // JSON with a comma missing: YAML reads it as one odd key, and neither section as a key of its own.
    expect(guardSettingsOf('{\n  "version": 1\n  "protect": { "branches": ["main"] },\n  "approvals": {}\n}\n', path, undefined)).toMatchObject({ enabled: true, configValid: false, requireApproval: true });
    // A valid config is read by its keys alone: a comment that names a section does not set it.
    expect(guardSettingsOf("version: 1\n# protect: later, with approvals: too\n", path, undefined)).toEqual({ enabled: false, configValid: true, onBypass: ["check", "issue"], branchProtection: "report", requireApproval: false });
  });

  it("a broken config keeps the guard on, watching the default branch with the default actions", () => {
    expect(guardSettingsOf("version: 1\nprotect:\n  branches: main\n", path, undefined)).toEqual({ enabled: true, configValid: false, onBypass: ["check", "issue"], branchProtection: "report", requireApproval: false });
  });
});
