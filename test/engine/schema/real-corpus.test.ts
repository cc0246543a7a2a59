import { describe, expect, it } from "vitest";
import { corpusPresent, countFindings, judgeCorpus } from "../../../bench/real-corpus.js";

// The verdicts of `schema: kubernetes` on ~1,800 real manifests (../shared/corpus, beside the
// repository). A change that alters any verdict — a faster validator, a new library version — changes
// these counts and must explain why. bench/kubeconform-agreement.ts compares them with kubeconform's.
describe.skipIf(!corpusPresent)(`the real-world corpus${corpusPresent ? "" : " (../shared/corpus is absent: skipped)"}`, () => {
  it("gets the same findings, rule by rule", { timeout: 120_000 }, async () => {
    const files = await judgeCorpus();
    expect(files.length).toBe(1145);
    expect(files.reduce((n, f) => n + f.documents.length, 0)).toBe(1840);
    expect(countFindings(files)).toEqual({
      "error schema/enum": 5,
      "error schema/format": 1,
      "error schema/oneOf": 4,
      "error schema/removed-api": 44,
      "error schema/required": 20,
      "error schema/type": 14,
      "error schema/unknown-field": 5,
      "error yaml/duplicate-key": 18,
      "error yaml/syntax": 50,
      "notice schema/unknown-kind": 431,
      "warning schema/deprecated-api": 2,
    });
  });
});
