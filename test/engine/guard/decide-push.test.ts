import { describe, expect, it } from "vitest";
import { decidePush, type PushFacts } from "../../../src/engine/guard/decide-push.js";
import { describeReason } from "../../../src/engine/guard/decide-provenance.js";
import { mergeKey, mergesToCompare } from "../../../src/engine/guard/merge-content.js";
import type { MergeContent } from "../../../src/engine/guard/guard-types.js";
import { baseRefKey } from "../../../src/engine/judged-for.js";
import type { AppCheckRun, AssociatedPull, CommitProvenance, GuardCommit } from "../../../src/engine/guard/guard-types.js";

// Commits by name: the core only compares shas, so short names read better than hex. Unsigned, as
// most commits are (GitHub signs its merge and squash commits, not its rebased ones).
const commit = (sha: string, ...parents: string[]): GuardCommit => ({ sha, parents });
const localMerge = commit;
const file = (path: string, blob: string | null = `blob-of-${path}`) => ({ path, blob });
const merged = (number: number, headSha: string, mergeCommitSha: string, baseRef = "main"): AssociatedPull => ({ number, merged: true, baseRef, headSha, mergeCommitSha });
const run = (name: string, headSha: string, conclusion: string | null = "success", extra: Partial<AppCheckRun> = {}): AppCheckRun => ({ id: 0, name, headSha, status: conclusion === null ? "in_progress" : "completed", conclusion, judgedFor: [], ...extra });
// What a run records when its verdict was decided for pull request `pull` into `base`.
const decided = (pull: number, base = "main"): Partial<AppCheckRun> => ({ judgedFor: [{ pull, baseKey: baseRefKey(base) }] });
const passed = (head: string, pullNumber: number, base = "main") => [run("gitgate/validate", head, "success", decided(pullNumber, base)), run("gitgate/approval", head, "success", { pullNumber, ...decided(pullNumber, base) })];

function push(commits: GuardCommit[], pulls: Record<string, AssociatedPull[]>, checks: Record<string, AppCheckRun[]>, extra: Partial<PushFacts> = {}): PushFacts {
  const facts: PushFacts = {
    branch: "main",
    before: "base",
    after: commits.at(-1)!.sha,
    removed: 0,
    requireApproval: true,
    commits,
    pullsByCommit: new Map(Object.entries(pulls)),
    checksByCommit: new Map(Object.entries(checks)),
    ...extra,
  };
  // Unless a test says what its merges change, each leaves the branch exactly as merging its head does.
  const exact: MergeContent = { merge: [], pull: [], branch: [] };
  return { ...facts, mergeContents: extra.mergeContents ?? new Map(mergesToCompare(facts).map((m) => [mergeKey(m.sha, m.pull), exact])) };
}

describe("the guard's verdict on a push", () => {
  it("a merge commit: the merged branch's commits and the merge come through the pull request", () => {
    const pr = merged(1, "f2", "m");
    const verdict = decidePush(push([commit("f1", "base"), commit("f2", "f1"), commit("m", "base", "f2")], { f1: [pr], f2: [pr], m: [pr] }, { f2: passed("f2", 1) }));
    expect(verdict.commits).toEqual([
      { sha: "f1", verdict: "through-pr", pull: 1, method: "merge commit" },
      { sha: "f2", verdict: "through-pr", pull: 1, method: "merge commit" },
      { sha: "m", verdict: "through-pr", pull: 1, method: "merge commit" },
    ]);
    expect(verdict.firstBypass).toBeUndefined();
  });

  it("a squash merge: one new commit, checked on the pull request's head", () => {
    const verdict = decidePush(push([commit("s", "base")], { s: [merged(2, "h2", "s")] }, { h2: passed("h2", 2) }));
    expect(verdict.commits).toEqual([{ sha: "s", verdict: "through-pr", pull: 2, method: "squash" }]);
  });

  it("a rebase merge: several rewritten commits of one pull request, the last one landing it", () => {
    const pr = merged(3, "h3", "r3");
    const verdict = decidePush(push([commit("r1", "base"), commit("r2", "r1"), commit("r3", "r2")], { r1: [pr], r2: [pr], r3: [pr] }, { h3: passed("h3", 3) }));
    expect(verdict.commits.map((c) => c.verdict === "through-pr" && c.method)).toEqual(["rebase", "rebase", "rebase"]);
  });

  it("a merge queue: the group head lands, checked by the queue (not on the pull request's head)", () => {
    const verdict = decidePush(push([commit("g", "base")], { g: [merged(4, "h4", "g")] }, { g: passed("g", 4), h4: [] }));
    expect(verdict.commits).toEqual([{ sha: "g", verdict: "through-pr", pull: 4, method: "merge queue" }]);
  });

  it("a merge queue of two groups landing together: each checked on its own group head", () => {
    const verdict = decidePush(push([commit("g1", "base"), commit("g2", "g1")], { g1: [merged(5, "h5", "g1")], g2: [merged(6, "h6", "g2")] }, { g1: passed("g1", 5), g2: passed("g2", 6) }));
    expect(verdict.commits.map((c) => c.verdict)).toEqual(["through-pr", "through-pr"]);
  });

  it("a direct push: no pull request, a bypass, and the tip before it is what a revert restores", () => {
    const pr = merged(1, "f", "m");
    const verdict = decidePush(push([commit("f", "base"), commit("m", "base", "f"), commit("d", "m"), commit("e", "d")], { f: [pr], m: [pr], d: [], e: [] }, { f: passed("f", 1) }));
    expect(verdict.commits.map((c) => c.verdict)).toEqual(["through-pr", "through-pr", "bypass", "bypass"]);
    expect(verdict.commits[2]).toEqual({ sha: "d", verdict: "bypass", reasons: [{ kind: "no-pull-request" }] });
    expect(verdict).toMatchObject({ firstBypass: "d", restorePoint: "m" });
  });

  it("a commit of a still open pull request pushed directly is a bypass", () => {
    const verdict = decidePush(push([commit("c", "base")], { c: [{ number: 7, merged: false, baseRef: "main", headSha: "c", mergeCommitSha: undefined }] }, { c: passed("c", 7) }));
    expect(verdict.commits[0]).toMatchObject({ verdict: "bypass", reasons: [{ kind: "no-pull-request" }] });
  });

  it("a pull request merged into another branch does not vouch for this one", () => {
    const verdict = decidePush(push([commit("s", "base")], { s: [merged(8, "h8", "s", "develop")] }, { h8: passed("h8", 8, "develop") }));
    expect(verdict.commits[0]).toMatchObject({ verdict: "bypass", reasons: [{ kind: "no-pull-request" }] });
  });

  it("a commit of a merged pull request pushed on its own, not with the merge that landed it, is a bypass", () => {
    const verdict = decidePush(push([commit("f1", "base")], { f1: [merged(9, "f2", "m-elsewhere")] }, { f2: passed("f2", 9) }));
    expect(verdict.commits[0]).toMatchObject({ verdict: "bypass", reasons: [{ kind: "not-landed", pulls: [9] }] });
  });

  it("an admin merge past a failing gitgate/validate is a bypass naming the check", () => {
    const pr = merged(10, "f", "m");
    const verdict = decidePush(push([commit("f", "base"), commit("m", "base", "f")], { f: [pr], m: [pr] }, { f: [run("gitgate/validate", "f", "failure", decided(10)), run("gitgate/approval", "f", "success", decided(10))] }));
    expect(verdict.commits[1]).toEqual({ sha: "m", verdict: "bypass", pull: 10, reasons: [{ kind: "check-failed", check: "gitgate/validate", pull: 10, head: "f", conclusion: "failure" }] });
    expect(verdict.firstBypass).toBe("m");
    expect(verdict.restorePoint).toBe("base");
  });

  it("merged before the checks finished, or without them: a bypass", () => {
    const verdict = decidePush(push([commit("s", "base")], { s: [merged(11, "h", "s")] }, { h: [run("gitgate/validate", "h", null)] }));
    expect(verdict.commits[0]).toMatchObject({ reasons: [
      { kind: "check-failed", check: "gitgate/validate", conclusion: "in_progress" },
      { kind: "check-missing", check: "gitgate/approval", head: "h" },
    ] });
  });

  it("an approval for another head or another pull request is stale: a bypass", () => {
    const otherHead = decidePush(push([commit("s", "base")], { s: [merged(12, "h", "s")] }, { h: [run("gitgate/validate", "h", "success", decided(12)), run("gitgate/approval", "old", "success", decided(12))] }));
    expect(otherHead.commits[0]).toMatchObject({ reasons: [{ kind: "check-stale", check: "gitgate/approval", judged: "commit old" }] });
    const otherPull = decidePush(push([commit("s", "base")], { s: [merged(12, "h", "s")] }, { h: [run("gitgate/validate", "h", "success", decided(12)), run("gitgate/approval", "h", "success", { pullNumber: 99, ...decided(99) })] }));
    expect(otherPull.commits[0]).toMatchObject({ reasons: [{ kind: "check-stale", judged: "pull request #99" }] });
    expect(describeReason((otherPull.commits[0] as Extract<CommitProvenance, { verdict: "bypass" }>).reasons[0]!, "main")).toBe("pull request #12 was merged with gitgate/approval passed only for pull request #99, not for its merged head h");
  });

  it("gitgate/approval is required only when the base's config asks for approvals", () => {
    const facts = push([commit("s", "base")], { s: [merged(13, "h", "s")] }, { h: [run("gitgate/validate", "h", "success", decided(13))] });
    expect(decidePush(facts).commits[0]!.verdict).toBe("bypass");
    expect(decidePush({ ...facts, requireApproval: false }).commits[0]!.verdict).toBe("through-pr");
  });

  it("a commit whose pull requests could not be read is undecided, never passed", () => {
    const verdict = decidePush(push([commit("s", "base")], {}, {}));
    expect(verdict.commits[0]).toMatchObject({ verdict: "undecided" });
    expect(verdict.firstBypass).toBe("s");
  });

  it("a force push that removed commits is an incident of its own, restoring the old tip", () => {
    const pr = merged(14, "h", "s");
    const verdict = decidePush(push([commit("s", "other")], { s: [pr] }, { h: passed("h", 14) }, { before: "old", removed: 2 }));
    expect(verdict.commits[0]!.verdict).toBe("through-pr");
    expect(verdict).toMatchObject({ rewrite: { before: "old", after: "s", removed: 2 }, firstBypass: "s", restorePoint: "old" });
  });

  it("a bypass merged in through a merge commit: the merge on the branch is where it came in", () => {
    const verdict = decidePush(push([commit("x", "base"), commit("m", "base", "x")], { x: [], m: [] }, {}));
    expect(verdict).toMatchObject({ firstBypass: "m", restorePoint: "base" });
  });

  describe("a merge commit is compared with merging the pull request's head into the branch", () => {
    const pr = merged(7, "h7", "m7");
    const pulls = { h7: [pr], m7: [pr] };
    const checks = { h7: passed("h7", 7) };
    // The branch (tip "base") changed b.yaml since the pull request branched off; the pull request changed a.yaml.
    const pullSide = [file("a.yaml", "a-pr")];
    const branchSide = [file("b.yaml", "b-main")];
    const decide = (merge: ReturnType<typeof file>[] | undefined, options: { pull?: ReturnType<typeof file>[] | undefined; branch?: ReturnType<typeof file>[] | undefined; byGitHub?: boolean; parents?: string[]; unread?: boolean } = {}) => {
      const m: GuardCommit = { sha: "m7", parents: options.parents ?? ["base", "h7"], madeByGitHub: options.byGitHub ?? false };
      const content: MergeContent = { merge, pull: "pull" in options ? options.pull : pullSide, branch: "branch" in options ? options.branch : branchSide };
      const facts = push([commit("h7", "base"), m], pulls, checks, { mergeContents: new Map(options.unread ? [] : [[mergeKey("m7", 7), content]]) });
      return decidePush(facts).commits.find((c) => c.sha === "m7");
    };
    const reasons = (verdict: CommitProvenance | undefined) => (verdict as { reasons: { kind: string; paths?: string[]; why?: string }[] }).reasons;

    it("names every merge commit landing a pull request for its content to be read, GitHub's and a queue's too", () => {
      expect(mergesToCompare(push([commit("h7", "base"), localMerge("m7", "base", "h7")], pulls, checks))).toEqual([{ sha: "m7", firstParent: "base", pull: 7, head: "h7" }]);
      expect(mergesToCompare(push([commit("h7", "base"), { sha: "m7", parents: ["base", "h7"], madeByGitHub: true }], pulls, { ...checks, m7: passed("m7", 7) }))).toHaveLength(1);
    });

    it("does not compare GitHub's rebased or squashed commits: they do not descend from the head", () => {
      const rebased = merged(3, "h3", "r3");
      expect(mergesToCompare(push([commit("r1", "base"), commit("r2", "r1"), commit("r3", "r2")], { r1: [rebased], r2: [rebased], r3: [rebased] }, { h3: passed("h3", 3) }))).toEqual([]);
      expect(mergesToCompare(push([commit("s", "base")], { s: [merged(2, "h2", "s")] }, { h2: passed("h2", 2) }))).toEqual([]);
    });

    it("comes through the pull request when it changes exactly what only the pull request changed (a rename and a removal too)", () => {
      const renamed = [file("a.yaml", "a-pr"), file("old.yaml", null), file("new.yaml"), file("gone.yaml", null)];
      expect(decide([...renamed].reverse(), { pull: renamed })).toEqual({ sha: "m7", verdict: "through-pr", pull: 7, method: "merge commit" });
      // A change both sides made alike is the branch's already: the merge leaves it.
      expect(decide([file("a.yaml", "a-pr")], { branch: [...branchSide, file("same.yaml", "x")], pull: [...pullSide, file("same.yaml", "x")] })?.verdict).toBe("through-pr");
    });

    it("is a bypass when it changes a file neither side changed, leaves out the pull request's change, or undoes the branch's", () => {
      const verdict = decide([file("a.yaml", "a-pr"), file("extra.yaml")]);
      expect(verdict).toEqual({ sha: "m7", verdict: "bypass", pull: 7, reasons: [{ kind: "merge-content", pull: 7, paths: ["extra.yaml"] }] });
      expect(describeReason(reasons(verdict)[0] as Parameters<typeof describeReason>[0], "main")).toBe("the commit that landed pull request #7 leaves extra.yaml otherwise than merging its head into main does");
      expect(reasons(decide([]))[0]).toEqual({ kind: "merge-content", pull: 7, paths: ["a.yaml"] });
      expect(reasons(decide([file("a.yaml", "a-pr"), file("b.yaml", "b-old")]))[0]).toEqual({ kind: "merge-content", pull: 7, paths: ["b.yaml"] });
      expect(reasons(decide([file("a.yaml", "a-edited")]))[0]).toEqual({ kind: "merge-content", pull: 7, paths: ["a.yaml"] });
    });

    it("trusts only GitHub's own merge of a file both sides changed", () => {
      const both = { pull: [file("c.yaml", "c-pr")], branch: [file("c.yaml", "c-main")] };
      expect(reasons(decide([file("c.yaml", "c-merged")], both))[0]).toMatchObject({ kind: "merge-unread", why: "c.yaml changed on both sides, and a merge GitHub did not make cannot be told from an edit of them" });
      expect(decide([file("c.yaml", "c-merged")], { ...both, byGitHub: true })?.verdict).toBe("through-pr");
      // GitHub's merge is still held to the rest: a file neither side changed.
      expect(reasons(decide([file("c.yaml", "c-merged"), file("extra.yaml")], { ...both, byGitHub: true }))[0]).toEqual({ kind: "merge-content", pull: 7, paths: ["extra.yaml"] });
    });

    it("holds a commit landing the pull request on top of its head (merged by a push) to the same: from the head it may change nothing", () => {
      const landed = merged(8, "h8", "x8");
      // The head, then y8 and x8 on top of it, pushed together; GitHub records x8 as the merge.
      const facts = (extra: ReturnType<typeof file>[]) => push([commit("h8", "base"), commit("y8", "h8"), commit("x8", "y8")], { h8: [landed], y8: [landed], x8: [landed] }, { h8: passed("h8", 8) }, { mergeContents: new Map([[mergeKey("x8", 8), { merge: extra, pull: [], branch: [] }]]) });
      expect(mergesToCompare(facts([]))).toEqual([{ sha: "x8", firstParent: "h8", pull: 8, head: "h8" }]);
      expect(decidePush(facts([])).commits.map((c) => c.verdict)).toEqual(["through-pr", "through-pr", "through-pr"]);
      // head...x8 shows y8's edits too.
      expect(decidePush(facts([file("extra.yaml")])).commits.find((c) => c.sha === "x8")).toMatchObject({ verdict: "bypass", reasons: [{ kind: "merge-content", paths: ["extra.yaml"] }] });
      // Made in GitHub's web editor on top of the head, signed by GitHub: held to the same.
      const signed = push([commit("h8", "base"), { sha: "x8", parents: ["h8"], madeByGitHub: true }], { h8: [landed], x8: [landed] }, { h8: passed("h8", 8) });
      expect(mergesToCompare(signed)).toEqual([{ sha: "x8", firstParent: "h8", pull: 8, head: "h8" }]);
    });

    it("takes a file one side renamed and the other changed as changed on both sides", () => {
      const renamed = { pull: [file("a.yaml", null), { path: "b.yaml", blob: "a-pr", from: "a.yaml" }], branch: [file("a.yaml", "a-main")] };
      expect(reasons(decide([file("a.yaml", null), file("b.yaml", "a-merged")], renamed))[0]).toMatchObject({ kind: "merge-unread", why: "a.yaml, b.yaml changed on both sides, and a merge GitHub did not make cannot be told from an edit of them" });
      expect(decide([file("a.yaml", null), file("b.yaml", "a-merged")], { ...renamed, byGitHub: true })?.verdict).toBe("through-pr");
    });

    it("cannot pass unread, when GitHub's compare may not list every file, or when it does not merge the head into the branch", () => {
      expect(reasons(decide([], { unread: true }))[0]!.kind).toBe("merge-unread");
      for (const missing of ["pull", "branch"] as const) expect(reasons(decide([file("a.yaml", "a-pr")], { [missing]: undefined }))[0]!.kind).toBe("merge-unread");
      expect(reasons(decide(undefined))[0]!.kind).toBe("merge-unread");
      // `git merge -s ours` from the pull request's branch: its first parent is the head, its tree the head's.
      expect(reasons(decide([], { parents: ["h7", "base"] }))[0]).toMatchObject({ kind: "merge-unread", why: "it does not merge the head h7 into the branch (its parents: h7, base)" });
    });
  });
});
