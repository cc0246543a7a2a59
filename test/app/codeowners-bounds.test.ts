import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { examplePayload, startApp, type AppHarness } from "../support/app-harness.js";

// CODEOWNERS is repository input: matching its patterns is work for the bounded evaluation worker,
// never for the server's event loop. A file too large to match within the bounds fails closed.
let repo: TestRepo;
let app: AppHarness;
const codeOwners = Array.from({ length: 60_000 }, (_, i) => `/apps/team-${i}/**/*.yaml @acme/team-${i}`).join("\n") + "\n";

beforeAll(async () => {
  repo = await createTestRepo({ ".github/gitgate.yml": "version: 1\napprovals:\n  codeowners: true\n", ".github/CODEOWNERS": codeOwners, "README.md": "x\n" });
  await repo.branch("change", "main", { "apps/web/values.yaml": "replicas: 2\n" });
  app = await startApp(repo.dir, { evaluation: { timeoutMs: 1000 } });
  app.fake.openPullRequest(app.repo, { number: 1, title: "change", author: "dev", headRef: "change", baseRef: "main" });
});
afterAll(async () => {
  await app.close();
  await repo.remove();
});

describe("a CODEOWNERS file of 60,000 patterns", () => {
  it("is matched inside the bounded evaluation, which stops it and fails closed", async () => {
    expect(await app.deliver("pull_request", examplePayload("pull_request", "opened", (p) => {
      p.number = 1;
      p.pull_request.number = 1;
    }))).toBe(200);
    await app.queue.onIdle();
    const validate = app.repo.checkRuns.find((r) => r.name === "gitgate/validate")!;
    expect(validate).toMatchObject({ status: "completed", conclusion: "failure", output: { title: "Could not evaluate" } });
    expect(validate.output.summary).toMatch(/the evaluation (took longer than 1 s|needed more than \d+ MiB of memory) and was stopped/);
  }, 120_000);
});
