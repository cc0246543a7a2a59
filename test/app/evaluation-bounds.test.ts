import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { examplePayload, startApp, type AppHarness } from "../support/app-harness.js";

// An evaluation past its wall-clock bound is stopped and the check fails closed, naming the bound;
// the next evaluation gets a fresh worker.
let repo: TestRepo;
let app: AppHarness;

beforeAll(async () => {
  repo = await createTestRepo({ ".github/gitgate.yml": "version: 1\nfiles: ['k/**']\n", "README.md": "x\n" });
  await repo.branch("change", "main", { "k/a.yaml": "a: 1\n" });
  app = await startApp(repo.dir, { evaluation: { timeoutMs: 1 } });
  app.fake.openPullRequest(app.repo, { number: 1, title: "change", author: "dev", headRef: "change", baseRef: "main" });
});
afterAll(async () => {
  await app.close();
  await repo.remove();
});

describe("the evaluation's time bound", () => {
  it("completes the check as failure, saying the evaluation took too long, every time", async () => {
    for (const id of ["first", "second"]) {
      expect(await app.deliver("pull_request", examplePayload("pull_request", "opened", (p) => {
        p.number = 1;
        p.pull_request.number = 1;
      }), { id })).toBe(200);
      await app.queue.onIdle();
      const run = app.repo.checkRuns.at(-1)!;
      expect(run).toMatchObject({ status: "completed", conclusion: "failure", output: { title: "Could not evaluate" } });
      expect(run.output.summary).toContain("**Reason:** the evaluation took longer than 0\\.001 s and was stopped \\(GITGATE\\_EVALUATION\\_TIMEOUT\\_SECONDS\\)");
    }
  });
});
