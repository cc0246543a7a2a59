import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeRequest } from "../../src/fake-github/fake-github.js";
import { RedisEngine } from "../../src/queue/redis-engine.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { examplePayload, startApp, type AppHarness } from "../support/app-harness.js";
import { redisForTests } from "../support/redis-server.js";

const config = "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\n";
const configMap = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: ${value}\n`;
const log = pino({ level: process.env.TEST_LOG ?? "silent" });

const redis = redisForTests();
let repo: TestRepo | undefined;
let app: AppHarness | undefined;
afterEach(async () => {
  await app?.close();
  await repo?.remove();
  app = undefined;
  repo = undefined;
});

async function setup(): Promise<{ repo: TestRepo; app: AppHarness }> {
  repo = await createTestRepo({ ".github/gitgate.yml": config });
  await repo.branch("feature", "main", { "k8s/a.yaml": configMap("a", '"1"') });
  // Each test its own Redis database content: nothing left over from another test.
  await redis.flush();
  const engine = await RedisEngine.connect({ url: redis.url, concurrency: 4, log, lockMs: 2000 });
  app = await startApp(repo.dir, { engine });
  app.fake.openPullRequest(app.repo, { number: 1, title: "feature", author: "dev", headRef: "feature", baseRef: "main" });
  return { repo, app };
}

const prEvent = (action: string) =>
  examplePayload("pull_request", action, (p) => {
    p.number = 1;
    p.pull_request.number = 1;
  });

describe("on Redis (REDIS_URL)", () => {
  it("leaves one check run per head and one comment, however often an event is delivered", async () => {
    const { app, repo } = await setup();
    const statuses = await Promise.all([app.deliver("pull_request", prEvent("opened"), { id: "same" }), app.deliver("pull_request", prEvent("opened"), { id: "same" }), app.deliver("pull_request", prEvent("synchronize"))]);
    expect(statuses).toEqual([200, 200, 200]);
    await app.queue.onIdle();
    await app.deliver("pull_request", prEvent("opened"), { id: "same" });
    await app.queue.onIdle();
    expect(app.repo.checkRuns.map((r) => [r.head_sha, r.status, r.conclusion])).toEqual([[await repo.sha("feature"), "completed", "success"]]);
    expect(app.repo.comments).toHaveLength(1);
  });

  it("judges a push that arrives while the PR is being judged after that job, and leaves the preview to it", async () => {
    const { app, repo } = await setup();
    const first = await repo.sha("feature");
    const handle = app.fake.handle.bind(app.fake);
    let pushed = false;
    app.fake.handle = async (request: FakeRequest) => {
      const response = await handle(request);
      if (!pushed && request.url.includes("/compare/")) {
        pushed = true;
        await repo.commit("feature", { "k8s/a.yaml": configMap("a", "2") });
        expect(await app.deliver("pull_request", prEvent("synchronize"))).toBe(200);
      }
      return response;
    };
    await app.deliver("pull_request", prEvent("opened"));
    await app.queue.onIdle();
    const second = await repo.sha("feature");
    expect(app.repo.checkRuns.map((r) => [r.head_sha, r.conclusion])).toEqual([[first, "success"], [second, "failure"]]);
    expect(app.repo.comments).toHaveLength(1);
    expect(app.repo.comments[0]!.body).toContain(`Gitgate preview of \`${second.slice(0, 12)}\``);
  });

  it("answers webhooks with a 5xx while Redis is unreachable, and accepts them again once it is back", async () => {
    const { app } = await setup();
    await redis.stop("SIGKILL");
    try {
      expect(await app.deliver("pull_request", prEvent("opened"), { id: "during-outage" })).toBeGreaterThanOrEqual(500);
      expect(app.queue.healthy()).toBe(false);
    } finally {
      await redis.restart();
    }
    // ioredis reconnects on its own; GitHub's redelivery of the same delivery is work, not a duplicate.
    for (let i = 0; i < 100 && !app.queue.healthy(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await app.deliver("pull_request", prEvent("opened"), { id: "during-outage" })).toBe(200);
    await app.queue.onIdle();
    expect(app.repo.checkRuns.map((r) => r.conclusion)).toEqual(["success"]);
  });

  it("stops without waiting for a Redis that is gone", async () => {
    const engine = await RedisEngine.connect({ url: redis.url, concurrency: 1, log, lockMs: 2000 });
    await engine.start(async () => undefined);
    await redis.stop("SIGKILL");
    try {
      await engine.close(500);
    } finally {
      await redis.restart();
    }
  });

  it("decides a PR's approval verdicts one at a time: a dismissal during a verdict is never overwritten by it", async () => {
    repo = await createTestRepo({ ".github/gitgate.yml": `${config}approvals:\n  rules:\n    - name: review\n      count: 1\n` });
    await repo.branch("feature", "main", { "k8s/a.yaml": configMap("a", '"2"') });
    await redis.flush();
    app = await startApp(repo.dir, { engine: await RedisEngine.connect({ url: redis.url, concurrency: 4, log, lockMs: 2000 }) });
    app.repo.writers.add("alice");
    app.fake.openPullRequest(app.repo, { number: 1, title: "feature", author: "dev", headRef: "feature", baseRef: "main" });
    const review = examplePayload("pull_request_review", "submitted", (p) => {
      p.pull_request.number = 1;
    });
    await app.deliver("pull_request", prEvent("opened"));
    await app.queue.onIdle();
    const approval = await app.fake.submitReview(app.repo, { pullNumber: 1, user: "alice", state: "APPROVED" });
    await app.deliver("pull_request_review", review);
    await app.queue.onIdle();
    const run = app.repo.checkRuns.find((r) => r.name === "gitgate/approval")!;
    expect(run.conclusion).toBe("success");
    // The PR is judged again; GitHub is slow to take its approval verdict, read from alice's approval,
    // and meanwhile the approval is dismissed.
    const gate = app.fake.hold((r: FakeRequest) => r.method === "PATCH" && r.url.endsWith(`/check-runs/${run.id}`));
    expect(await app.deliver("pull_request", prEvent("reopened"))).toBe(200);
    await gate.reached;
    app.fake.dismissReview(app.repo, approval.id);
    expect(await app.deliver("pull_request_review", examplePayload("pull_request_review", "dismissed", (p) => {
      p.pull_request.number = 1;
    }))).toBe(200);
    // The dismissal's job waits behind the verdict being published (or, if it ran, published its own).
    while (run.conclusion !== "action_required" && !(await app.queue.superseded("approval:acme/platform-config#1"))) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    gate.release();
    await app.queue.onIdle();
    expect(app.repo.checkRuns.filter((r) => r.name === "gitgate/approval")).toMatchObject([{ conclusion: "action_required" }]);
  });
});
