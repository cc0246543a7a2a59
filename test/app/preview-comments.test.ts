import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { FakeRequest } from "../../src/fake-github/fake-github.js";
import type { JobEngine } from "../../src/queue/job-engine.js";
import { MemoryEngine } from "../../src/queue/memory-engine.js";
import { RedisEngine } from "../../src/queue/redis-engine.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { examplePayload, startApp, type AppHarness } from "../support/app-harness.js";
import { redisForTests } from "../support/redis-server.js";

// Creating a comment is the write GitHub spaces most (3 s per installation): here GitHub holds every
// comment creation until the test lets it through, so nothing depends on how long anything takes.

const config = "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\napprovals:\n  rules:\n    - name: review\n      count: 1\n";
const configMap = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: ${value}\n`;
const log = pino({ level: process.env.TEST_LOG ?? "silent" });
const prs = [1, 2, 3, 4, 5, 6];
const redis = redisForTests();

let repo: TestRepo | undefined;
let app: AppHarness | undefined;
const releases: (() => void)[] = [];
afterEach(async () => {
  for (const release of releases.splice(0)) release();
  await app?.close();
  await repo?.remove();
  app = undefined;
  repo = undefined;
});

const engines: [string, (options: { concurrency: number; pacedConcurrency?: number }) => Promise<JobEngine>][] = [
  ["in the process", async (options) => new MemoryEngine({ ...options, maxPending: 100, log })],
  ["on Redis", async (options) => {
    await redis.flush();
    return RedisEngine.connect({ url: redis.url, ...options, log, lockMs: 2000 });
  }],
];

async function setup(engine: JobEngine, count: number): Promise<{ repo: TestRepo; app: AppHarness }> {
  repo = await createTestRepo({ ".github/gitgate.yml": config });
  for (let i = 1; i <= count; i++) await repo.branch(`renovate-${i}`, "main", { [`k8s/app-${i}.yaml`]: configMap(`app-${i}`, '"1"') });
  app = await startApp(repo.dir, { engine });
  for (let i = 1; i <= count; i++) app.fake.openPullRequest(app.repo, { number: i, title: `update ${i}`, author: "renovate[bot]", headRef: `renovate-${i}`, baseRef: "main" });
  return { repo, app };
}

const prEvent = (action: string, number: number) =>
  examplePayload("pull_request", action, (p) => {
    p.number = number;
    p.pull_request.number = number;
  });
const createsComment = (number?: number) => (r: FakeRequest) => r.method === "POST" && (number === undefined ? /\/issues\/\d+\/comments$/ : new RegExp(`/issues/${number}/comments$`)).test(r.url);
const previewOf = (sha: string) => `Gitgate preview of \`${sha.slice(0, 12)}\``;

/** GitHub holds the next `times` requests `matches` picks until the test ends or releases them. */
function holdEach(app: AppHarness, matches: (r: FakeRequest) => boolean, times: number): { reached: Promise<void>[]; release: () => void } {
  const holds = Array.from({ length: times }, () => app.fake.hold(matches));
  const release = () => holds.forEach((h) => h.release());
  releases.push(release);
  return { reached: holds.map((h) => h.reached), release };
}

function verdicts(app: AppHarness, name: string, head: string) {
  return app.repo.checkRuns.filter((r) => r.name === name && r.head_sha === head);
}

describe.each(engines)("preview comments %s", (_, engineOf) => {
  it("publishes every verdict of a burst of new PRs while their comments wait for GitHub's spacing of new comments", async () => {
    // Fewer evaluation slots than PRs, as in a Renovate burst.
    const { app, repo } = await setup(await engineOf({ concurrency: 2 }), prs.length);
    const gate = holdEach(app, createsComment(), prs.length);
    for (const n of prs) expect(await app.deliver("pull_request", prEvent("opened", n))).toBe(200);
    const heads = await Promise.all(prs.map((n) => repo.sha(`renovate-${n}`)));
    // Every PR's gitgate/validate and gitgate/approval are decided while no comment has been created.
    await vi.waitFor(() => {
      for (const head of heads) {
        expect(verdicts(app, "gitgate/validate", head)).toMatchObject([{ status: "completed", conclusion: "success" }]);
        expect(verdicts(app, "gitgate/approval", head)).toMatchObject([{ status: "completed", conclusion: "action_required" }]);
      }
    }, { timeout: 30_000, interval: 20 });
    expect(app.repo.comments).toEqual([]);
    gate.release();
    await app.queue.onIdle();
    // Then one comment per PR, of its head.
    expect(app.repo.comments.map((c) => c.issueNumber).sort()).toEqual(prs);
    for (const [i, n] of prs.entries()) expect(app.repo.comments.find((c) => c.issueNumber === n)!.body).toContain(previewOf(heads[i]!));
  }, 60_000);

  it("judges a push while the PR's first comment waits, and leaves one comment, of the newest head", async () => {
    const { app, repo } = await setup(await engineOf({ concurrency: 2 }), 1);
    const gate = holdEach(app, createsComment(1), 1);
    await app.deliver("pull_request", prEvent("opened", 1));
    await gate.reached[0];
    const first = await repo.sha("renovate-1");
    await repo.commit("renovate-1", { "k8s/app-1.yaml": configMap("app-1", "2") });
    const second = await repo.sha("renovate-1");
    expect(await app.deliver("pull_request", prEvent("synchronize", 1))).toBe(200);
    // The new head's verdicts do not wait for the first head's comment.
    await vi.waitFor(() => {
      expect(verdicts(app, "gitgate/validate", second)).toMatchObject([{ status: "completed", conclusion: "failure" }]);
      expect(verdicts(app, "gitgate/approval", second)).toMatchObject([{ status: "completed" }]);
    }, { timeout: 30_000, interval: 20 });
    expect(verdicts(app, "gitgate/validate", first)).toMatchObject([{ conclusion: "success" }]);
    gate.release();
    await app.queue.onIdle();
    // The second head's comment job found the comment the first one created, and edited it.
    expect(app.repo.comments).toHaveLength(1);
    expect(app.repo.comments[0]!.body).toContain(previewOf(second));
  }, 60_000);

  it("writes a waiting comment with the newest head's preview, never the older one it was queued with", async () => {
    // One comment at a time: PR 2's, held by GitHub, keeps PR 1's comment job waiting.
    const { app, repo } = await setup(await engineOf({ concurrency: 2, pacedConcurrency: 1 }), 2);
    const gate = holdEach(app, createsComment(2), 1);
    await app.deliver("pull_request", prEvent("opened", 2));
    await gate.reached[0];
    await app.deliver("pull_request", prEvent("opened", 1));
    const first = await repo.sha("renovate-1");
    await vi.waitFor(() => expect(verdicts(app, "gitgate/validate", first)).toMatchObject([{ status: "completed" }]), { timeout: 30_000, interval: 20 });
    await repo.commit("renovate-1", { "k8s/app-1.yaml": configMap("app-1", "2") });
    const second = await repo.sha("renovate-1");
    await app.deliver("pull_request", prEvent("synchronize", 1));
    // The evaluation queues the comment job after its verdict is written and its approval job queued:
    // the approval verdict, written by that job over several requests, comes after the comment job is
    // queued (waiting for the validate verdict alone, the comment was sometimes let through first).
    await vi.waitFor(() => expect(verdicts(app, "gitgate/approval", second)).toMatchObject([{ status: "completed" }]), { timeout: 30_000, interval: 20 });
    gate.release();
    await app.queue.onIdle();
    const comments = (n: number) => app.repo.comments.filter((c) => c.issueNumber === n);
    expect(comments(2)).toHaveLength(1);
    expect(comments(1)).toHaveLength(1);
    expect(comments(1)[0]!.body).toContain(previewOf(second));
    // The first head's preview was never sent to GitHub.
    expect(app.fake.requests.filter((r) => r.url.includes("/comments") && JSON.stringify(r.body ?? "").includes(previewOf(first)))).toEqual([]);
  }, 60_000);

  it("keeps the verdicts when GitHub fails the comment, and the next evaluation writes it", async () => {
    const { app, repo } = await setup(await engineOf({ concurrency: 2 }), 1);
    const head = await repo.sha("renovate-1");
    // Every attempt (Octokit retries a 500 three times) fails.
    app.fake.failNext("POST", /\/issues\/1\/comments$/, 500, 4);
    await app.deliver("pull_request", prEvent("opened", 1));
    await app.queue.onIdle();
    expect(app.fake.requests.filter(createsComment(1))).toHaveLength(4);
    expect(verdicts(app, "gitgate/validate", head)).toMatchObject([{ status: "completed", conclusion: "success" }]);
    expect(verdicts(app, "gitgate/approval", head)).toMatchObject([{ status: "completed", conclusion: "action_required" }]);
    expect(app.repo.comments).toEqual([]);
    await app.deliver("pull_request", prEvent("reopened", 1));
    await app.queue.onIdle();
    expect(app.repo.comments.map((c) => c.body)).toEqual([expect.stringContaining(previewOf(head))]);
  }, 60_000);

  it("writes no comment for a head whose PR moved on while it was judged", async () => {
    const { app, repo } = await setup(await engineOf({ concurrency: 2 }), 1);
    const first = await repo.sha("renovate-1");
    // GitHub is slow to take the first head's verdict; meanwhile the PR gets a new head.
    const gate = app.fake.hold((r) => r.method === "POST" && r.url.endsWith("/check-runs") && (r.body as { name?: string }).name === "gitgate/validate");
    releases.push(gate.release);
    await app.deliver("pull_request", prEvent("opened", 1));
    await gate.reached;
    await repo.commit("renovate-1", { "k8s/app-1.yaml": configMap("app-1", "2") });
    const second = await repo.sha("renovate-1");
    expect(await app.deliver("pull_request", prEvent("synchronize", 1))).toBe(200);
    gate.release();
    await app.queue.onIdle();
    expect(verdicts(app, "gitgate/validate", first)).toMatchObject([{ conclusion: "success" }]);
    expect(app.repo.comments).toHaveLength(1);
    expect(app.repo.comments[0]!.body).toContain(previewOf(second));
    expect(app.fake.requests.filter((r) => r.url.includes("/comments") && JSON.stringify(r.body ?? "").includes(previewOf(first)))).toEqual([]);
  }, 60_000);
});
