import { describe, expect, it } from "vitest";
import { classifyDrift, lostGuarantees, type RuleGuarantees } from "../../../src/engine/guard/classify-drift.js";
import { judgeProtection, type BranchProtection, type ClassicProtection, type RulesetProtection } from "../../../src/engine/guard/protection-drift.js";
import { restoreProtection } from "../../../src/engine/guard/restore-protection.js";

const app = 42;
const pinned = [{ context: "gitgate/validate", appId: app }, { context: "gitgate/approval", appId: app }];
const full: ClassicProtection = { requiredChecks: pinned, enforceAdmins: true, allowForcePushes: false, allowDeletions: false };
const classic = (patch: Partial<ClassicProtection> = {}): BranchProtection => ({ branch: "main", classic: { state: "protected", protection: { ...full, ...patch } }, rulesets: [] });
const ruleset = (patch: Partial<RulesetProtection> = {}): RulesetProtection => ({ id: 1, name: "r", source: "o/r", bypassActors: [], requiredChecks: pinned, nonFastForward: true, deletion: true, pullRequest: false, ...patch });
const ids = (p: BranchProtection) => judgeProtection(p, app).weaknesses.map((w) => w.id);

describe("judgeProtection", () => {
  it("accepts full classic protection, or a ruleset, or the two layered", () => {
    expect(ids(classic())).toEqual([]);
    expect(ids({ branch: "main", classic: { state: "unprotected" }, rulesets: [ruleset()] })).toEqual([]);
    // Classic without admins, but a ruleset binds everyone to the checks: GitHub applies the strictest.
    expect(ids({ ...classic({ enforceAdmins: false }), rulesets: [ruleset({ nonFastForward: false, deletion: false })] })).toEqual([]);
  });

  it("names each weakness", () => {
    expect(ids(classic({ enforceAdmins: false }))).toEqual(["admins-exempt"]);
    expect(ids(classic({ allowForcePushes: true, allowDeletions: true }))).toEqual(["force-push-allowed", "deletion-allowed"]);
    expect(ids(classic({ requiredChecks: [{ context: "gitgate/validate", appId: null }, { context: "gitgate/approval", appId: 7 }] }))).toEqual(["check-unpinned:gitgate/validate", "check-unpinned:gitgate/approval"]);
    expect(ids(classic({ requiredChecks: [pinned[0]!] }))).toEqual(["check-missing:gitgate/approval"]);
    expect(ids({ branch: "main", classic: { state: "unprotected" }, rulesets: [] })).toEqual(["unprotected"]);
  });

  it("fails closed on protection it cannot read, whatever else it can", () => {
    expect(ids({ branch: "main", classic: { state: "unreadable", reason: "403" }, rulesets: [ruleset()] })).toEqual(["unreadable"]);
    expect(ids({ ...classic(), rulesets: { unreadable: "403" } })).toEqual(["unreadable"]);
  });

  it("lists who may bypass a ruleset as a notice, not a weakness", () => {
    const verdict = judgeProtection({ branch: "main", classic: { state: "unprotected" }, rulesets: [ruleset({ bypassActors: [{ type: "OrganizationAdmin", id: null, mode: "always" }] }), ruleset({ id: 2, name: "hidden", bypassActors: undefined })] }, app);
    expect(verdict.weaknesses).toEqual([]);
    expect(verdict.notices).toEqual(['Ruleset "r" (o/r) can be bypassed by: organization admins (always).', 'Gitgate cannot read who may bypass ruleset "hidden" (o/r).']);
  });
});

describe("classifyDrift", () => {
  const w = (id: string) => ({ id, message: id });
  it("tells weakened (by the event or since the last look), never met, and still there apart", () => {
    expect(classifyDrift([w("a"), w("b"), w("c")], ["b"], new Set(["c"])).map((x) => x.kind)).toEqual(["weakened", "persisting", "weakened"]);
    expect(classifyDrift([w("a"), w("unreadable")], undefined, new Set(["unreadable"])).map((x) => x.kind)).toEqual(["not-met", "not-met"]);
  });
});

describe("lostGuarantees", () => {
  const rule: RuleGuarantees = { checks: ["gitgate/validate", "ci"], checksBindAdmins: true, forcePushesForbidden: true, deletionForbidden: true };
  it("is what the rule gave before and no longer gives", () => {
    expect(lostGuarantees(rule, { ...rule, checksBindAdmins: false, forcePushesForbidden: false })).toEqual(["admins-exempt", "force-push-allowed"]);
    expect(lostGuarantees(rule, { ...rule, checks: ["ci"] })).toEqual(["check-missing:gitgate/validate", "admins-exempt"]);
    expect(lostGuarantees(rule, undefined)).toEqual(["check-missing:gitgate/validate", "admins-exempt", "force-push-allowed", "deletion-allowed", "unprotected"]);
    expect(lostGuarantees(undefined, rule)).toEqual([]);
  });
});

describe("restoreProtection", () => {
  it("adds only what is missing, keeps other checks, never loosens", () => {
    const current: ClassicProtection = { requiredChecks: [{ context: "ci", appId: null }, { context: "gitgate/validate", appId: null }], enforceAdmins: false, allowForcePushes: true, allowDeletions: false };
    const weaknesses = judgeProtection({ branch: "main", classic: { state: "protected", protection: current }, rulesets: [] }, app).weaknesses;
    expect(restoreProtection(current, weaknesses, app)).toEqual({
      target: { requiredChecks: [{ context: "ci", appId: null }, { context: "gitgate/validate", appId: app }, { context: "gitgate/approval", appId: app }], enforceAdmins: true, allowForcePushes: false, allowDeletions: false },
      changes: ["gitgate/validate pinned to Gitgate (app 42) instead of any source", "gitgate/approval added to the required checks, pinned to Gitgate (app 42)", "administrators included (\"Do not allow bypassing the above settings\" on)", "force pushes forbidden"],
    });
  });

  it("creates full protection for an unprotected branch", () => {
    expect(restoreProtection(undefined, [{ id: "unprotected", message: "" }], app)).toEqual({
      target: full,
      changes: ["classic branch protection created", "gitgate/validate added to the required checks, pinned to Gitgate (app 42)", "gitgate/approval added to the required checks, pinned to Gitgate (app 42)", "administrators included (\"Do not allow bypassing the above settings\" on)", "force pushes forbidden", "deletion forbidden"],
    });
  });
});
