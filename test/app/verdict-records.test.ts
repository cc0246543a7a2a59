import { describe, expect, it } from "vitest";
import { baseRefKey, judgedFor, parseJudgedFor } from "../../src/engine/judged-for.js";
import { approvalExternalId, maxExternalId, recordedDigest, recordedJudgedFor, validateExternalId } from "../../src/github/verdict-records.js";

const digest = (n: number) => n.toString(16).padStart(64, "0");

describe("what Gitgate's check runs record about whom their verdict was for", () => {
  it("a validate verdict records every pull request and base it judged, with or without a digest", () => {
    const record = validateExternalId([{ pullNumber: 7, baseRef: "main", digest: digest(1) }, { pullNumber: 8, baseRef: "refs-less", digest: undefined }]);
    expect(record).toBe(`gitgate-governed-diff:7.${baseRefKey("main")}=${digest(1)},8.${baseRefKey("refs-less")}`);
    expect(recordedJudgedFor("gitgate/validate", record)).toEqual([{ pull: 7, baseKey: baseRefKey("main") }, { pull: 8, baseKey: baseRefKey("refs-less") }]);
    expect(recordedDigest(record, 7, "main")).toBe(digest(1));
    // An entry without a digest is no digest of an empty string.
    expect(recordedDigest(record, 8, "refs-less")).toBeUndefined();
  });

  it("every pull request and base goes in before any digest, within the cap", () => {
    const judged = Array.from({ length: 12 }, (_, i) => ({ pullNumber: 1000 + i, baseRef: `release/${i}`, digest: digest(i) }));
    const record = validateExternalId(judged);
    expect(record.length).toBeLessThanOrEqual(maxExternalId);
    const recorded = recordedJudgedFor("gitgate/validate", record);
    // Ten pairs fit, and leave no room for a digest.
    expect(recorded.map((r) => r.pull)).toEqual(judged.slice(0, 10).map((j) => j.pullNumber));
    expect(recordedDigest(record, 1000, "release/0")).toBeUndefined();
    // Five leave room for one: the first pull request's (it comes first).
    const five = validateExternalId(judged.slice(0, 5));
    expect(recordedJudgedFor("gitgate/validate", five)).toHaveLength(5);
    expect(judged.slice(0, 5).map((j) => recordedDigest(five, j.pullNumber, j.baseRef))).toEqual([digest(0), undefined, undefined, undefined, undefined]);
    // Two pull requests keep both digests, as before pairs without one were recorded.
    const two = validateExternalId(judged.slice(0, 2));
    expect([recordedDigest(two, 1000, "release/0"), recordedDigest(two, 1001, "release/1")]).toEqual([digest(0), digest(1)]);
  });

  it("nothing judged records nothing", () => {
    expect(validateExternalId([])).toBe("");
    expect(recordedJudgedFor("gitgate/validate", "")).toEqual([]);
    expect(recordedJudgedFor("gitgate/validate", null)).toEqual([]);
  });

  it("an approval verdict records its one pull request and base, read only as an approval's", () => {
    const record = approvalExternalId(12, "main");
    expect(record).toBe(`gitgate-approval:12.${baseRefKey("main")}`);
    const recorded = recordedJudgedFor("gitgate/approval", record);
    expect(judgedFor(recorded, 12, "main")).toBe(true);
    expect(judgedFor(recorded, 12, "sandbox")).toBe(false);
    expect(judgedFor(recorded, 13, "main")).toBe(false);
    // A record is read only under its own check's name: a validate record proves no approval.
    expect(recordedJudgedFor("gitgate/approval", validateExternalId([{ pullNumber: 12, baseRef: "main", digest: undefined }]))).toEqual([]);
  });

  it("entries that are not pull request and base keys are no pairs", () => {
    expect(parseJudgedFor("12.abc")).toBeUndefined();
    expect(parseJudgedFor(`x.${baseRefKey("main")}`)).toBeUndefined();
    expect(parseJudgedFor(`12.${baseRefKey("main")}extra`)).toBeUndefined();
  });
});
