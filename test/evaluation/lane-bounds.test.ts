import { describe, expect, it } from "vitest";
import { fileLaneOpener } from "../../src/evaluation/file-lanes.js";
import { createJudgingMarks } from "../../src/evaluation/judging-marks.js";

// A file lane (a thread judging a repository's files beside the evaluation worker) has its own memory
// bound. Past it the lane dies, and the evaluation fails naming the file that lane was judging: its
// messages stop with it, so the name comes from the mark it left (judging-marks.ts).
const config = "version: 1\nfiles: ['k/**']\nlimits:\n  max_file_bytes: 8388608\n";
const flatMap = (keys: number) => Array.from({ length: keys }, (_, i) => `k${i}: v\n`).join("");

describe("a file lane past its memory bound", () => {
  it("fails what it was sent, naming the file it was judging", async () => {
    const open = fileLaneOpener(2, 64, createJudgingMarks(2));
    const lanes = open({
      source: {},
      context: { gitops: { charts: [], patches: [], generated: [] } },
      reader: { read: async (path) => (path === ".github/gitgate.yml" ? config : undefined), list: async () => [] },
      compileRego: () => Promise.reject(new Error("no policy here")),
    })!;
    try {
      const text = flatMap(300_000);
      const small = lanes.judge({ path: "k/small.yaml", status: "added", after: { kind: "text", text: "a: 1\n", size: 5 } });
      await expect(small).resolves.toMatchObject({ path: "k/small.yaml", findings: [] });
      const big = lanes.judge({ path: "k/flat.yaml", status: "added", after: { kind: "text", text, size: text.length } });
      await expect(big).rejects.toThrow(/^the evaluation needed more than 64 MiB of memory and was stopped \(GITGATE_EVALUATION_MEMORY_MIB\); it was judging "k\/flat\.yaml" \(for \d+\.\d s\)$/);
    } finally {
      await lanes.close();
    }
  }, 60_000);
});
