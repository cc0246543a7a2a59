import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildExampleRepo, type ExampleRepo } from "../../src/examples/example-repo.js";
import { examplePayload, startApp, type AppHarness } from "../support/app-harness.js";

// What GitHub is asked to write, in which order: the verdict is the first write, the comment follows it.
let example: ExampleRepo;
let app: AppHarness | undefined;

beforeAll(async () => {
  example = await buildExampleRepo();
});
afterAll(() => example.remove());
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function judge(inProgressAfterMs: number) {
  app = await startApp(example.dir, { inProgressAfterMs });
  const branch = "broken-schema";
  app.fake.openPullRequest(app.repo, { number: 1, title: branch, author: "dev", headRef: branch, baseRef: "main" });
  expect(await app.deliver("pull_request", examplePayload("pull_request", "opened", (p) => {
    p.number = 1;
    p.pull_request.number = 1;
    p.pull_request.base.ref = "main";
  }))).toBe(200);
  await app.queue.onIdle();
  return app.fake.apiRequests
    // gitgate/approval is its own check run, published after the verdict it depends on.
    .filter((r) => r.method !== "GET" && !r.url.includes("/graphql") && (r.body as { name?: string } | undefined)?.name !== "gitgate/approval")
    .map((r) => `${r.method} ${new URL(r.url, "http://x").pathname.replace(/\/\d+$/, "/<id>")} ${(r.body as { status?: string } | undefined)?.status ?? ""}`.trim());
}

describe("writes of a pull request's verdict", () => {
  it("a quick evaluation creates the check run completed: one write, then the preview comment", async () => {
    expect(await judge(600_000)).toEqual([
      "POST /repos/acme/platform-config/check-runs completed",
      "POST /repos/acme/platform-config/issues/1/comments",
    ]);
    const validate = app!.repo.checkRuns.filter((r) => r.name === "gitgate/validate");
    expect(validate).toHaveLength(1);
    expect(validate[0]).toMatchObject({ status: "completed", conclusion: "failure" });
  });

  it("an evaluation outlasting the in-progress delay shows in progress first, then completes the same run", async () => {
    expect(await judge(0)).toEqual([
      "POST /repos/acme/platform-config/check-runs in_progress",
      "PATCH /repos/acme/platform-config/check-runs/<id> completed",
      "POST /repos/acme/platform-config/issues/1/comments",
    ]);
    const validate = app!.repo.checkRuns.filter((r) => r.name === "gitgate/validate");
    expect(validate).toHaveLength(1);
    expect(validate[0]).toMatchObject({ status: "completed", conclusion: "failure" });
  });
});
