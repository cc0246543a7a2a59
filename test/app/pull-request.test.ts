import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildExampleRepo, type ExampleRepo } from "../../src/examples/example-repo.js";
import { runGit } from "../../src/git/run-git.js";
import { examplePayload, startApp, type AppHarness } from "../support/app-harness.js";

let example: ExampleRepo;
let app: AppHarness;

beforeAll(async () => {
  example = await buildExampleRepo();
});
afterAll(() => example.remove());
beforeEach(async () => {
  app = await startApp(example.dir);
  let number = 1;
  for (const branch of example.branches) {
    app.fake.openPullRequest(app.repo, { number: number++, title: branch, author: "dev", headRef: branch, baseRef: "main" });
  }
});
afterEach(() => app.close());

const prNumber = (branch: string) => example.branches.indexOf(branch) + 1;
const opened = (branch: string) =>
  examplePayload("pull_request", "opened", (p) => {
    p.number = prNumber(branch);
    p.pull_request.number = prNumber(branch);
  });

describe("the webhook endpoint", () => {
  it("rejects a delivery with a wrong signature, with no side effects", async () => {
    const status = await app.deliver("pull_request", opened("broken-schema"), { signature: "sha256=" + "0".repeat(64) });
    expect(status).toBe(400);
    await app.queue.onIdle();
    expect(app.fake.requests).toEqual([]);
  });

  it("rejects a delivery without a signature", async () => {
    const status = await app.deliver("pull_request", opened("broken-schema"), { signature: "" });
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    await app.queue.onIdle();
    expect(app.fake.requests).toEqual([]);
  });
});

describe("gitgate/validate on a pull request", () => {
  it("fails a broken PR with annotations on the exact lines, and posts one preview comment", async () => {
    expect(await app.deliver("pull_request", opened("broken-schema"))).toBe(200);
    await app.queue.onIdle();
    const head = (await runGit(example.dir, ["rev-parse", "broken-schema"])).toString().trim();
    // One run of each on the head (examples/repo asks for approvals; nobody reviewed yet). Which is
    // created first depends on the machine: validate's run is only written early when judging is slow.
    expect(app.repo.checkRuns.map((r) => [r.name, r.head_sha, r.conclusion]).sort()).toEqual([["gitgate/approval", head, "action_required"], ["gitgate/validate", head, "failure"]]);
    const run = app.repo.checkRuns.find((r) => r.name === "gitgate/validate")!;
    expect(run).toMatchObject({ name: "gitgate/validate", head_sha: head, status: "completed", conclusion: "failure" });
    expect(run.output.title).toBe("5 new errors");
    expect(run.output.annotations.map((a) => `${a.annotation_level} ${a.path}:${a.start_line}:${a.start_column ?? "-"} ${a.title}`)).toEqual([
      "failure apps/api/values.yaml:4:8 schema/not",
      "failure apps/api/values.yaml:5:15 schema/type",
      "failure clusters/production/api.yaml:21:- schema/required",
      "failure clusters/production/api.yaml:64:12 schema/type",
      // `cache: on` in a manifest is the boolean true kubectl sends, which ConfigMap data refuses.
      "failure clusters/production/api.yaml:65:10 schema/type",
      "warning clusters/production/api.yaml:65:10 yaml/yaml11-boolean",
    ]);
    expect(run.actions).toEqual([{ label: "Re-run", description: "Evaluate this change again", identifier: "rerun" }]);
    expect(run.output.text).toContain("### Preview:");
    expect(app.repo.comments).toHaveLength(1);
    expect(app.repo.comments[0]!.body).toMatch(/^<!-- gitgate:preview -->\n### ❌ Fails: 5 new errors · /);
  });

  it("passes the clean PR", async () => {
    await app.deliver("pull_request", opened("clean"));
    await app.queue.onIdle();
    // (Which run GitHub got first depends on how long validation took: the approval run is marked in
    // progress before validate completes, and validate is created first only when it is slow.)
    expect(app.repo.checkRuns.map((r) => [r.name, r.conclusion, r.output.title]).sort()).toEqual([
      // Production changes need two platform leads, every change one review.
      ["gitgate/approval", "action_required", "Waiting for 2 more (production), 1 more (review)"],
      ["gitgate/validate", "success", "All governed files are valid"],
    ]);
  });

  it("judges a control-plane tampering PR by the base config", async () => {
    await app.deliver("pull_request", opened("control-plane-tampering"));
    await app.queue.onIdle();
    const run = app.repo.checkRuns.find((r) => r.name === "gitgate/validate")!;
    expect(run.conclusion).toBe("failure");
    expect(run.output.annotations.map((a) => `${a.path}:${a.start_line} ${a.title}`)).toEqual([
      "clusters/production/api.yaml:9 schema/type",
      ".github/gitgate.yml:1 config/control-plane-change",
    ]);
  });
});
