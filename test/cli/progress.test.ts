import { afterEach, describe, expect, it, vi } from "vitest";
import { createProgress } from "../../src/cli/progress.js";
import { createTestRepo } from "../support/git-repo.js";
import { runCli } from "../support/run-cli.js";

afterEach(() => void vi.useRealTimers());

function terminal(isTTY: boolean) {
  let text = "";
  return { isTTY, write: (t: string) => (text += t), get text() { return text; } };
}

describe("progress on standard error", () => {
  it("appears on a terminal once a run passes a second, as files judged of the total, and is cleared at the end", () => {
    vi.useFakeTimers();
    const stderr = terminal(true);
    const progress = createProgress(stderr, {});
    progress.setTotal(2500);
    for (let i = 0; i < 1200; i++) progress.advance();
    vi.advanceTimersByTime(999);
    expect(stderr.text).toBe("");
    vi.advanceTimersByTime(1);
    expect(stderr.text).toBe("\r\x1b[2Kgitgate: judging 1,200 of 2,500 files");
    progress.advance();
    vi.advanceTimersByTime(100);
    expect(stderr.text.endsWith("judging 1,201 of 2,500 files")).toBe(true);
    progress.done();
    expect(stderr.text.endsWith("\r\x1b[2K")).toBe(true);
  });

  it("never appears in a pipe, in CI, or for a run under a second", () => {
    vi.useFakeTimers();
    for (const [stream, env] of [[terminal(false), {}], [terminal(true), { CI: "true" }], [terminal(true), { TERM: "dumb" }]] as const) {
      const progress = createProgress(stream, env);
      progress.setTotal(10);
      vi.advanceTimersByTime(5000);
      progress.done();
      expect(stream.text).toBe("");
    }
    const quick = terminal(true);
    const progress = createProgress(quick, {});
    progress.setTotal(10);
    vi.advanceTimersByTime(500);
    progress.done();
    vi.advanceTimersByTime(5000);
    expect(quick.text).toBe("");
  });

  it("keeps a piped validate's standard error free of progress", async () => {
    const repo = await createTestRepo({ ".github/gitgate.yml": "version: 1\n", "a.yaml": "a: 1\n" });
    try {
      const run = await runCli(["validate", "--repo", repo.dir], { env: {} });
      expect(run.status).toBe(0);
      expect(run.stderr).toBe("");
    } finally {
      await repo.remove();
    }
  });
});
