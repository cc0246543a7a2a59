import { describe, expect, it } from "vitest";
import { describeReason, judgeCheck } from "../../../src/engine/guard/decide-provenance.js";
import type { AppCheckRun, AssociatedPull } from "../../../src/engine/guard/guard-types.js";
import { baseRefKey } from "../../../src/engine/judged-for.js";

const pull: AssociatedPull = { number: 1, merged: true, baseRef: "main", headSha: "h", mergeCommitSha: "s" };
const run = (name: string, judgedFor: AppCheckRun["judgedFor"], extra: Partial<AppCheckRun> = {}): AppCheckRun => ({ id: 0, name, headSha: "h", status: "completed", conclusion: "success", judgedFor, ...extra });
const into = (number: number, base: string) => ({ pull: number, baseKey: baseRefKey(base) });

describe("judgeCheck: a check passed for a landed pull request only if decided for it into its base", () => {
  it("accepts a success on the merged head recorded for this pull request into the base it merged into", () => {
    expect(judgeCheck("gitgate/validate", [run("gitgate/validate", [into(1, "main")])], pull, "s")).toBeUndefined();
    // A validate run speaks for every pull request and base of its head: this one among them is enough.
    expect(judgeCheck("gitgate/validate", [run("gitgate/validate", [into(2, "release"), into(1, "main")])], pull, "s")).toBeUndefined();
    // A merge queue's group head, the landing commit.
    expect(judgeCheck("gitgate/approval", [run("gitgate/approval", [into(1, "main")], { headSha: "s", pullNumber: 1 })], pull, "s")).toBeUndefined();
  });

  // GitHub counts a commit's latest run of a check; an older success under a later failure was taken.
  it("judges a commit by its latest run for this pull request and base: an older success under a later failure is no pass", () => {
    const older = run("gitgate/approval", [into(1, "main")], { id: 10, pullNumber: 1 });
    const later = run("gitgate/approval", [into(1, "main")], { id: 11, pullNumber: 1, conclusion: "failure" });
    for (const runs of [[older, later], [later, older]]) {
      expect(judgeCheck("gitgate/approval", runs, pull, "s")).toEqual({ kind: "check-failed", check: "gitgate/approval", pull: 1, head: "h", conclusion: "failure" });
    }
    // A later run failed closed records nobody: still the latest.
    expect(judgeCheck("gitgate/approval", [older, { ...later, judgedFor: [] }], pull, "s")).toMatchObject({ kind: "check-failed", conclusion: "failure" });
    // The other way round, the latest passed.
    expect(judgeCheck("gitgate/approval", [{ ...older, conclusion: "failure" }, { ...later, conclusion: "success" }], pull, "s")).toBeUndefined();
    // A merge queue's group head passing is a pass whatever the pull request's head says (GitHub merges on it).
    expect(judgeCheck("gitgate/approval", [{ ...later, id: 5 }, run("gitgate/approval", [into(1, "main")], { id: 12, headSha: "s", pullNumber: 1 })], pull, "s")).toBeUndefined();
  });

  it("rejects a success decided for this pull request into another base (retargeted away and back)", () => {
    const reason = judgeCheck("gitgate/approval", [run("gitgate/approval", [into(1, "sandbox")], { pullNumber: 1 })], pull, "s");
    expect(reason).toEqual({ kind: "check-decided-elsewhere", check: "gitgate/approval", pull: 1, head: "h", base: "main", recorded: "another base" });
    expect(describeReason(reason!, "main")).toBe("pull request #1 was merged into main with gitgate/approval passed on its merged head h only by a verdict decided for pull request #1 into another base, not for #1 into main");
  });

  it("rejects a validate success decided for another pull request of the same head (validate runs name no pull request)", () => {
    const reason = judgeCheck("gitgate/validate", [run("gitgate/validate", [into(2, "main")])], pull, "s");
    expect(reason).toMatchObject({ kind: "check-decided-elsewhere", recorded: "another pull request" });
    expect(describeReason(reason!, "main")).toContain("only by a verdict decided for another pull request, not for #1 into main");
  });

  it("rejects a success that records nobody (published before runs recorded it, or written by hand): fail closed", () => {
    const reason = judgeCheck("gitgate/validate", [run("gitgate/validate", [])], pull, "s");
    expect(reason).toMatchObject({ kind: "check-decided-elsewhere", recorded: "nothing" });
    expect(describeReason(reason!, "main")).toContain("a verdict that records no pull request and base");
  });

  it("a base merged into through another protected branch is that pull request's own base", () => {
    const intoDevelop = { ...pull, baseRef: "develop" };
    expect(judgeCheck("gitgate/validate", [run("gitgate/validate", [into(1, "develop")])], intoDevelop, "s")).toBeUndefined();
    expect(judgeCheck("gitgate/validate", [run("gitgate/validate", [into(1, "main")])], intoDevelop, "s")).toMatchObject({ kind: "check-decided-elsewhere", base: "develop" });
  });

  it("a failure for this very pull request and base stays a failure; other heads stay stale", () => {
    expect(judgeCheck("gitgate/validate", [run("gitgate/validate", [into(1, "main")], { conclusion: "failure" })], pull, "s")).toMatchObject({ kind: "check-failed", conclusion: "failure" });
    expect(judgeCheck("gitgate/validate", [run("gitgate/validate", [into(1, "main")], { headSha: "old" })], pull, "s")).toMatchObject({ kind: "check-stale", judged: "commit old" });
    expect(judgeCheck("gitgate/validate", [], pull, "s")).toMatchObject({ kind: "check-missing" });
  });
});
