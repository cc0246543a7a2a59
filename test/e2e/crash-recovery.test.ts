import { mkdtempSync, readFileSync } from "node:fs";
import { Redis } from "ioredis";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createFakeGitHubWorld, demoTarget, type FakeGitHubWorld } from "../../src/demo/demo-world.js";
import { examplePayload } from "../../src/demo/example-payload.js";
import { sendWebhook } from "../../src/demo/send-webhook.js";
import { startServerProcess, type ServerProcess } from "../../src/demo/server-process.js";
import { waitForComment, waitForVerdict } from "../../src/demo/wait-for-verdict.js";
import type { FakeRequest } from "../../src/fake-github/fake-github.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { redisForTests } from "../support/redis-server.js";

// The real server processes (as `npm start` runs them) against the fake GitHub: a process killed after
// it answered a webhook, before the verdict, must lose nothing.
const config = "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\n";
const configMap = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  value: "1"\n`;
const logs = mkdtempSync(join(tmpdir(), "gitgate-crash-"));

const redis = redisForTests();
let repo: TestRepo;
let world: FakeGitHubWorld | undefined;
const servers: ServerProcess[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
  await world?.close();
  await repo?.remove();
  world = undefined;
});

/** A world whose PR #1 is open (it has no verdict yet), and a gate that holds GitHub's answers to the PR query (or to `held` requests). */
async function setup(held: (request: FakeRequest) => boolean = (request) => request.url.endsWith("/graphql") && String((request.body as { query?: string }).query).includes("pullRequest(number")) {
  repo = await createTestRepo({ ".github/gitgate.yml": config });
  await repo.branch("feature", "main", { "k8s/a.yaml": configMap });
  world = await createFakeGitHubWorld(repo.dir, []);
  const fake = world.fake;
  let release: () => void = () => undefined;
  const gate = { held: false, released: new Promise<void>((resolve) => (release = resolve)) };
  const handle = fake.handle.bind(fake);
  fake.handle = async (request: FakeRequest) => {
    if (held(request)) {
      gate.held = true;
      await gate.released;
    }
    return handle(request);
  };
  return { world, fake, gate, release, repo, open: () => fake.openPullRequest(world!.repo, { number: 1, title: "feature", author: "dev", headRef: "feature", baseRef: "main" }) };
}

async function start(name: string, env: Record<string, string>): Promise<ServerProcess> {
  const server = await startServerProcess({ ...world!.env, ...env }, join(logs, `${name}.log`));
  servers.push(server);
  return server;
}

async function kill(server: ServerProcess): Promise<void> {
  servers.splice(servers.indexOf(server), 1);
  await new Promise<void>((resolve) => {
    server.child.once("exit", () => resolve());
    server.child.kill("SIGKILL");
  });
}

async function until(done: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const opened = () =>
  examplePayload("pull_request", "opened", demoTarget, (p) => {
    p.number = 1;
    p.pull_request.number = 1;
    p.pull_request.base.ref = "main";
  });

describe("a replica killed after answering a webhook", () => {
  it("without Redis: the next start's reconcile sweep judges the PR", async () => {
    const { world, gate, release, open } = await setup();
    const memory = { GITGATE_RECONCILE_INTERVAL_MINUTES: "10" };
    const first = await start("memory-a", memory);
    open();
    expect(await sendWebhook(`${first.url}/api/github/webhooks`, world.webhookSecret, "pull_request", opened())).toBe(200);
    await until(() => gate.held);
    await kill(first);
    release();
    // GitHub counts the delivery as done: only the sweep at start can find the work.
    await start("memory-b", memory);
    const head = (await world.repo.git.resolve("feature"))!;
    await waitForVerdict(world.repo, head, 30_000);
    await waitForComment(world.repo, 1, 30_000);
    expect(world.repo.checkRuns.map((r) => [r.head_sha, r.status, r.conclusion])).toEqual([[head, "completed", "success"]]);
    expect(world.repo.comments).toHaveLength(1);
  });

  it("with Redis: another replica takes the stalled job up, and nothing is doubled", async () => {
    const { world, gate, release, open } = await setup();
    // Minutes-long sweeps: what rescues the job here is BullMQ's stalled-job recovery.
    const env = { REDIS_URL: redis.url, GITGATE_JOB_LOCK_SECONDS: "2", GITGATE_RECONCILE_INTERVAL_MINUTES: "60" };
    const a = await start("redis-a", env);
    open();
    expect(await sendWebhook(`${a.url}/api/github/webhooks`, world.webhookSecret, "pull_request", opened())).toBe(200);
    await until(() => gate.held);
    // A second replica comes up while A holds the job (its start-up sweep finds the PR unjudged too).
    await start("redis-b", env);
    await kill(a);
    release();
    const head = (await world.repo.git.resolve("feature"))!;
    await waitForVerdict(world.repo, head, 30_000);
    await waitForComment(world.repo, 1, 30_000);
    await until(() => readFileSync(join(logs, "redis-b.log"), "utf8").includes("taken up again"), 30_000);
    // Let anything still queued finish, then look: one run, completed; one comment.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(world.repo.checkRuns.map((r) => [r.head_sha, r.status, r.conclusion])).toEqual([[head, "completed", "success"]]);
    expect(world.repo.comments).toHaveLength(1);
  });

  it("with Redis: a run the dead replica marked in progress on a head the PR has left is completed, not left spinning", async () => {
    // Held: listing the change, after the PR was read, while the evaluation's in-progress mark is due.
    const { world, gate, release, open, repo } = await setup((request) => request.url.includes("/compare/"));
    const env = { REDIS_URL: redis.url, GITGATE_JOB_LOCK_SECONDS: "2", GITGATE_RECONCILE_INTERVAL_MINUTES: "60" };
    const a = await start("interrupted-a", env);
    open();
    const first = (await world.repo.git.resolve("feature"))!;
    expect(await sendWebhook(`${a.url}/api/github/webhooks`, world.webhookSecret, "pull_request", opened())).toBe(200);
    await until(() => gate.held && world.repo.checkRuns.some((r) => r.head_sha === first && r.status === "in_progress"));
    await until(noteStored);
    // The PR moves on while A is down; B takes A's job up (and the push's).
    await repo.commit("feature", { "k8s/a.yaml": configMap.replace('"1"', '"2"') });
    await kill(a);
    await start("interrupted-b", env);
    release();
    const second = (await world.repo.git.resolve("feature"))!;
    await waitForVerdict(world.repo, second, 30_000);
    await until(() => world.repo.checkRuns.every((r) => r.status === "completed"));
    expect(world.repo.checkRuns.map((r) => [r.head_sha, r.status, r.conclusion])).toEqual([
      [first, "completed", "cancelled"],
      [second, "completed", "success"],
    ]);
    expect(world.repo.checkRuns[0]!.output?.summary).toContain(`moved on to ${second.slice(0, 12)}`);
  });
});

/** Whether a job stored in Redis carries a check run its attempt marked in progress (BullMQ keeps a job's data as JSON in its hash). */
async function noteStored(): Promise<boolean> {
  const client = new Redis(redis.url);
  try {
    const keys = (await client.keys("gitgate:gitgate-jobs:[0-9]*")).filter((key) => /:\d+$/.test(key));
    const data = await Promise.all(keys.map((key) => client.hget(key, "data")));
    return data.some((text) => text?.includes(`"startedRun"`));
  } finally {
    await client.quit();
  }
}
