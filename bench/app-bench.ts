// The App end to end through the real server process (`npm start`, production settings, Probot's
// throttling on) against the fake GitHub on loopback, without Redis and with it (a redis-server of
// its own). For each:
// - GitHub requests and the wall time from webhook to verdict and to preview comment for PRs of 10,
//   100 and 1,000 changed files (first evaluations after start, each after the write spacing of the
//   previous one's comment has passed), and the CPU time the server and the fake GitHub spent on each
//   (which, unlike wall time, a busy machine does not inflate much);
// - webhook → completed gitgate/validate p50 over pushes to the 10-file PR, one at a time;
// - webhook acknowledgement while 50 evaluations run: 50 PRs of 10 files opened at once, then
//   synchronize deliveries across them, 200 with 20 in flight, then a stream of one at a time until
//   all 50 PRs are judged, from a thread of their own (see webhook-sender).
//   That server spaces writes 20 ms instead of GitHub's second, and those PRs get no preview comment,
//   so that the evaluations really compute while the deliveries arrive instead of queueing behind
//   the write spacing.
// KEEP_LOG=<folder> keeps the servers' logs there; BENCH_LOG_LEVEL=debug logs every GitHub request.
// While working on one part: APP_BENCH_ONLY=first-verdicts measures only the first verdicts (no
// pushes, no acknowledgements); APP_BENCH_MODES=memory (or redis) only one of the two modes;
// PROFILE_DIR=<folder> has every server (and its worker threads) write a CPU profile there.
import { copyFile, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { createFakeGitHubWorld, demoTarget, type FakeGitHubWorld } from "../src/demo/demo-world.js";
import { examplePayload } from "../src/demo/example-payload.js";
import { sendWebhook } from "../src/demo/send-webhook.js";
import { startServerProcess } from "../src/demo/server-process.js";
import { waitForComment, waitForVerdict } from "../src/demo/wait-for-verdict.js";
import { startRedis, type RedisServer } from "../test/support/redis-server.js";
import { createBenchRepo } from "./bench-repo.js";
import { startWebhookSender } from "./webhook-sender.js";

const pushes = 15;
const busyPrs = 50;
const only = process.env.APP_BENCH_ONLY;
if (only !== undefined && only !== "first-verdicts") throw new Error(`APP_BENCH_ONLY=${only}: only "first-verdicts" is known`);
const modes = (process.env.APP_BENCH_MODES ?? "memory,redis").split(",");
const sizes = [["ten", 10], ["hundred", 100], ["thousand", 1000]] as const;
const { dir, git, commit: write } = await createBenchRepo("gitgate-app-bench-");
const deployment = (name: string, replicas: number) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: team\nspec:\n  replicas: ${replicas}\n  selector:\n    matchLabels: { app: ${name} }\n  template:\n    metadata:\n      labels: { app: ${name} }\n    spec:\n      securityContext: { runAsNonRoot: true }\n      containers:\n        - name: app\n          image: registry.example/${name}:1.0.0\n          resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { cpu: 200m, memory: 128Mi } }\n          readinessProbe: { httpGet: { path: /ready, port: 8080 } }\n          livenessProbe: { httpGet: { path: /live, port: 8080 } }\n`;
const files = (prefix: string, count: number, replicas: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k8s/${prefix}-${i}.yaml`, deployment(`${prefix}-${i}`, replicas)]));

await git("init", "-q", "-b", "main");
await write({ ".github/gitgate.yml": "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\npolicies:\n  builtin: [kubernetes, gitops]\n", ...files("svc", 1000, 2) });
for (const [branch, count] of sizes) {
  await git("checkout", "-q", "-b", branch, "main");
  await write(files("svc", count, 3));
}
await git("checkout", "-q", "main");
// The repository of the 50 busy PRs: no preview comments, whose creation GitHub's client spaces 3 s
// apart (Octokit's throttling), so that evaluations, not comments, fill the time.
const busy = await createBenchRepo("gitgate-app-bench-busy-");
await busy.git("init", "-q", "-b", "main");
await busy.commit({ ".github/gitgate.yml": "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\npolicies:\n  builtin: [kubernetes, gitops]\npreview:\n  comment: false\n", ...files("svc", 10, 2) });
for (let n = 1; n <= busyPrs; n++) {
  await busy.git("checkout", "-q", "-b", `busy-${n}`, "main");
  await busy.commit(files(`busy-${n}`, 10, 2));
}
await busy.git("checkout", "-q", "main");

const redis = await startRedis();
try {
  if (modes.includes("memory")) await measure("without Redis", undefined);
  if (modes.includes("redis")) await measure("with Redis", redis);
} finally {
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
  await rm(busy.dir, { recursive: true, force: true });
}

async function measure(mode: string, redis: RedisServer | undefined): Promise<void> {
  console.log(`${mode}:`);
  const label = redis ? "redis" : "memory";
  await verdicts(label, redis);
  if (only !== "first-verdicts") await acknowledgements(label, redis);
}

/** First verdicts of a 10-, a 100- and a 1,000-file PR, then the verdict p50 over pushes to the 10-file PR. */
async function verdicts(label: string, redis: RedisServer | undefined): Promise<void> {
  const world = await createFakeGitHubWorld(dir, [
    { number: 1, title: "10 files", author: "bench", branch: "ten" },
    { number: 2, title: "100 files", author: "bench", branch: "hundred" },
    { number: 3, title: "1,000 files", author: "bench", branch: "thousand" },
  ]);
  const server = await serve(world, redis, `verdicts-${label}`);
  try {
    await judgeOneByOne(world, server.hook, server.pid);
  } finally {
    await server.close();
  }
}

async function judgeOneByOne(world: FakeGitHubWorld, hook: string, serverPid: number | undefined): Promise<void> {
  for (const [i, [branch, count]] of sizes.entries()) {
    const number = i + 1;
    const head = (await world.repo.git.resolve(branch))!;
    // The App's own requests (token exchange, the delivery-log sweep) are not the PR's.
    const requests = () => world.fake.apiRequests.filter((r) => !new URL(r.url, "http://x").pathname.includes("/app/")).length;
    const before = requests();
    const cpuBefore = { server: await cpuMs(serverPid), fake: process.cpuUsage() };
    const started = performance.now();
    await sendWebhook(hook, world.webhookSecret, "pull_request", await pullRequestEvent(world, number, "opened"));
    const run = await waitForVerdict(world.repo, head, 120_000);
    const verdict = performance.now() - started;
    await waitForComment(world.repo, number, 60_000, head.slice(0, 12));
    const total = performance.now() - started;
    const fake = process.cpuUsage(cpuBefore.fake);
    const server = await cpuMs(serverPid);
    // CPU time does not depend on how busy the machine is, as wall time does.
    const cpu = server !== undefined && cpuBefore.server !== undefined ? `; CPU: server ${server - cpuBefore.server} ms, fake GitHub ${((fake.user + fake.system) / 1000).toFixed(0)} ms` : "";
    console.log(`  ${count.toLocaleString("en").padStart(5)}-file PR: ${requests() - before} GitHub requests, verdict after ${verdict.toFixed(0)} ms, preview comment after ${total.toFixed(0)} ms (${run.conclusion})${cpu}`);
    // The next PR's first write is not held back by this one's comment (GitHub's write spacing).
    await new Promise((resolve) => setTimeout(resolve, 1100));
  }
  if (only === "first-verdicts") return;
  const verdictMs: number[] = [];
  for (let i = 0; i < pushes; i++) {
    await git("checkout", "-q", "ten");
    await write({ "k8s/svc-0.yaml": deployment("svc-0", 4 + i) });
    await git("checkout", "-q", "main");
    const head = (await world.repo.git.resolve("ten"))!;
    const started = performance.now();
    await sendWebhook(hook, world.webhookSecret, "pull_request", await pullRequestEvent(world, 1, "synchronize"));
    await until(() => world.repo.checkRuns.some((r) => r.head_sha === head && r.status === "completed"));
    verdictMs.push(performance.now() - started);
    // Each push judged alone: its comment is written, and GitHub's write spacing has passed after it.
    await until(() => world.repo.comments.some((c) => c.issueNumber === 1 && c.body.includes(head.slice(0, 12))));
    await new Promise((resolve) => setTimeout(resolve, 1100));
  }
  console.log(`  10-file PR, webhook → completed verdict: p50 ${percentile(verdictMs, 50).toFixed(0)} ms, max ${Math.max(...verdictMs).toFixed(0)} ms (${verdictMs.length} pushes)`);
}

/** Acknowledgement times while 50 evaluations run. */
async function acknowledgements(label: string, redis: RedisServer | undefined): Promise<void> {
  const world = await createFakeGitHubWorld(busy.dir, Array.from({ length: busyPrs }, (_, i) => ({ number: i + 1, title: `busy ${i + 1}`, author: "bench", branch: `busy-${i + 1}` })));
  const server = await serve(world, redis, `acks-${label}`, { GITGATE_GITHUB_WRITE_SPACING_MS: "20" });
  const sender = startWebhookSender();
  try {
    const judged = () => world.repo.checkRuns.filter((r) => r.status === "completed").length;
    const started = performance.now();
    const opened = await sender.send({ url: server.hook, secret: world.webhookSecret, concurrency: busyPrs, deliveries: await Promise.all(Array.from({ length: busyPrs }, async (_, i) => ({ event: "pull_request", payload: await pullRequestEvent(world, i + 1, "opened") }))) });
    const synchronize = (count: number) => Promise.all(Array.from({ length: count }, async (_, i) => ({ event: "pull_request", payload: await pullRequestEvent(world, 1 + (i % busyPrs), "synchronize") })));
    const burst = await sender.send({ url: server.hook, secret: world.webhookSecret, concurrency: 20, deliveries: await synchronize(200) });
    // Then a stream, one at a time (50 a second at most), until all 50 are judged: what each waits
    // for is the server, not the deliveries sent beside it.
    const alone: number[] = [];
    while (judged() < busyPrs) alone.push(...(await sender.send({ url: server.hook, secret: world.webhookSecret, concurrency: 1, pauseMs: 20, deliveries: await synchronize(10) })));
    const figures = (ms: number[]) => `p50 ${percentile(ms, 50).toFixed(1)} ms, p99 ${percentile(ms, 99).toFixed(1)} ms`;
    console.log(`  webhook ack while 50 evaluations run: ${figures(alone)} one at a time (${alone.length} deliveries, a stream until all 50 were judged after ${((performance.now() - started) / 1000).toFixed(1)} s); ${figures(burst)} 20 in flight (200); ${figures(opened)} the 50 that opened the PRs, at once`);
  } finally {
    await sender.stop();
    await server.close();
  }
}

async function serve(world: FakeGitHubWorld, redis: RedisServer | undefined, name: string, env: Record<string, string> = {}) {
  if (redis) {
    // A clean queue for every server: nothing left over from the previous one.
    const { Redis } = await import("ioredis");
    const client = new Redis(redis.url);
    await client.flushall();
    await client.quit();
  }
  const log = join(dir, `${name}.log`);
  const server = await startServerProcess({ ...world.env, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "info", ...(redis ? { REDIS_URL: redis.url } : {}), ...env }, log, {
    ...(process.env.PROFILE_DIR ? { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${process.env.PROFILE_DIR}`] } : {}),
  });
  return {
    hook: `${server.url}/api/github/webhooks`,
    pid: server.child.pid,
    async close() {
      await server.stop();
      if (process.env.KEEP_LOG) await copyFile(log, join(process.env.KEEP_LOG, `${name}.log`));
      await world.close();
    },
  };
}

/** A pull_request webhook as GitHub sends it: with the PR's head and base commits at that moment. */
async function pullRequestEvent(world: FakeGitHubWorld, number: number, action: string) {
  const pr = world.repo.pulls.get(number)!;
  const [head, base] = await Promise.all([world.repo.git.resolve(pr.headRef), world.repo.git.resolve(pr.baseRef)]);
  return examplePayload("pull_request", action, demoTarget, (p) => {
    p.number = number;
    p.pull_request.number = number;
    p.pull_request.base.ref = pr.baseRef;
    p.pull_request.base.sha = base;
    p.pull_request.head.sha = head;
  });
}

/** A process's CPU time (user and system, all its threads) so far, where Linux tells it. */
async function cpuMs(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    // Fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 a second), after the name in parentheses.
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function until(done: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
