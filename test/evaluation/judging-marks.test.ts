import { describe, expect, it } from "vitest";
import { createJudgingMarks, judgingMark, judgingMarker, longestJudgingMark } from "../../src/evaluation/judging-marks.js";

// What a stopped thread's mark says: the file its work was for, and since when that file has been
// judged. Files judged at once take turns on one thread: a file's age counts from its first turn.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a thread's judging mark", () => {
  it("keeps a file's age across the turns other files take", async () => {
    const marks = createJudgingMarks(2);
    const mark = judgingMarker(marks, 1);
    mark.now("k8s/big.yaml");
    await sleep(60);
    mark.now("k8s/small.yaml");
    mark.done("k8s/small.yaml");
    mark.now("k8s/big.yaml");
    expect(judgingMark(marks, 1)).toEqual({ path: "k8s/big.yaml", forMs: expect.any(Number) });
    expect(judgingMark(marks, 1)!.forMs).toBeGreaterThanOrEqual(50);
    expect(judgingMark(marks, 0)).toBeUndefined();
  });

  it("says nothing while the thread waits or once the file is judged, and starts a file judged again afresh", async () => {
    const marks = createJudgingMarks(1);
    const mark = judgingMarker(marks, 0);
    mark.now("a.yaml");
    mark.nothing();
    expect(judgingMark(marks, 0)).toBeUndefined();
    mark.now("a.yaml");
    await sleep(60);
    mark.done("a.yaml");
    expect(judgingMark(marks, 0)).toBeUndefined();
    mark.now("a.yaml");
    expect(judgingMark(marks, 0)!.forMs).toBeLessThan(50);
  });

  it("keeps the start of a path longer than its slot, whole characters only", () => {
    const marks = createJudgingMarks(1);
    judgingMarker(marks, 0).now(`k8s/${"é".repeat(600)}.yaml`);
    const { path } = judgingMark(marks, 0)!;
    expect(path).toBe(`k8s/${"é".repeat(502)}…`);
  });

  // Past the time bound, the file a thread has been at longest is the one it is stuck on.
  it("names, of all threads' marks, the one that has stood longest", async () => {
    const marks = createJudgingMarks(3);
    judgingMarker(marks, 2).now("k8s/stuck.yaml");
    await sleep(60);
    judgingMarker(marks, 0).now("k8s/fresh.yaml");
    expect(longestJudgingMark(marks)?.path).toBe("k8s/stuck.yaml");
    expect(longestJudgingMark(createJudgingMarks(2))).toBeUndefined();
  });
});
