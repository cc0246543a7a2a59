import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { examplePayload, startApp, type AppHarness } from "../support/app-harness.js";

// An evaluation stopped by a bound names the file it was judging in the failed check. The name is the
// PR author's: it must render as text, never as a link or a code span.
const slowFile = "k/<b>[see](evil.example)`x.yaml";
// A 300,000-key map: far more than 64 MiB to judge.
const flatMap = (keys: number) => Array.from({ length: keys }, (_, i) => `k${i}: v\n`).join("");
let repo: TestRepo;
let app: AppHarness;

beforeAll(async () => {
  repo = await createTestRepo({ ".github/gitgate.yml": "version: 1\nfiles: ['k/**']\nlimits:\n  max_file_bytes: 8388608\n", "README.md": "x\n" });
  await repo.branch("slow", "main", { "k/a.yaml": "a: 1\n", [slowFile]: flatMap(300_000) });
  app = await startApp(repo.dir, { evaluation: { memoryMiB: 64 } });
  app.fake.openPullRequest(app.repo, { number: 1, title: "slow", author: "dev", headRef: "slow", baseRef: "main" });
});
afterAll(async () => {
  await app.close();
  await repo.remove();
});

describe("a file the judging is stopped at", () => {
  it("is named in the failed check, as text that renders as itself", async () => {
    expect(await app.deliver("pull_request", examplePayload("pull_request", "opened", (p) => {
      p.number = 1;
      p.pull_request.number = 1;
    }))).toBe(200);
    await app.queue.onIdle();
    const run = app.repo.checkRuns.at(-1)!;
    expect(run).toMatchObject({ status: "completed", conclusion: "failure", output: { title: "Could not evaluate" } });
    const reason = /\*\*Reason:\*\* (.*)\n/.exec(run.output.summary ?? "")?.[1];
    // Every punctuation character escaped: no HTML, no link, no code span of the name's making.
    expect(reason?.replace(/\(for \d+\\\.\d s\\\)$/, "(for N s\\)")).toBe(
      "the evaluation needed more than 64 MiB of memory and was stopped \\(GITGATE\\_EVALUATION\\_MEMORY\\_MIB\\)\\; " +
      "it was judging \\\"k\\/\\<b\\>\\[see\\]\\(evil\\.example\\)\\`x\\.yaml\\\" \\(for N s\\)",
    );
  }, 60_000);
});
