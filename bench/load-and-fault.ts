// Load and fault: two server processes (as `npm start` runs them) sharing one Redis, against the fake
// GitHub, all on loopback. 1,000 webhook deliveries across 50 PRs — duplicates, synchronize events
// out of order, bursts — while the PRs are pushed to; one replica is SIGKILLed half-way and restarted.
// Pass: every PR's current head has exactly one completed gitgate/validate run and one sticky comment
// (showing that head), no run left in progress. (Latency, with and without Redis: bench/app-bench.ts.)
// Bounded: fails after 4 minutes of waiting for verdicts.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { createFakeGitHubWorld, demoTarget, type FakeGitHubWorld } from "../src/demo/demo-world.js";
import { examplePayload } from "../src/demo/example-payload.js";
import { sendWebhook } from "../src/demo/send-webhook.js";
import { startServerProcess, type ServerProcess } from "../src/demo/server-process.js";
import { createBenchRepo } from "./bench-repo.js";
import { startRedis } from "../test/support/redis-server.js";

const prCount = 50;
const { dir, git, commit } = await createBenchRepo("gitgate-load-");
const deployment = (name: string, replicas: number) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: team\nspec:\n  replicas: ${replicas}\n  selector:\n    matchLabels: { app: ${name} }\n  template:\n    metadata:\n      labels: { app: ${name} }\n    spec:\n      securityContext: { runAsNonRoot: true }\n      containers:\n        - name: app\n          image: registry.example/${name}:1.0.0\n          resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { cpu: 200m, memory: 128Mi } }\n`;
const tenFiles = (replicas: number) => Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k8s/svc-${i}.yaml`, deployment(`svc-${i}`, replicas)]));

/** Pushes a new commit to a branch (the fake GitHub reads the branch from the repository) and returns its head. */
async function push(branch: string, files: Record<string, string>): Promise<string> {
  await git("checkout", "-q", branch);
  await commit(files);
  await git("checkout", "-q", "main");
  return (await git("rev-parse", branch)).toString().trim();
}

await git("init", "-q", "-b", "main");
await commit({ ".github/gitgate.yml": "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\npolicies:\n  builtin: [kubernetes]\n", ...tenFiles(2) });
for (let n = 1; n <= prCount; n++) {
  await git("branch", `pr-${n}`, "main");
  await push(`pr-${n}`, { [`k8s/pr-${n}.yaml`]: deployment(`pr-${n}`, 1) });
}

const redis = await startRedis();
let failed = false;
try {
  await loadAndFault();
} catch (error) {
  failed = true;
  console.error(`load-and-fault: FAILED: ${(error as Error).message}`);
} finally {
  await redis.stop();
  if (!process.env.BENCH_KEEP) await rm(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

async function loadAndFault(): Promise<void> {
  const world = await createFakeGitHubWorld(dir, Array.from({ length: prCount }, (_, i) => ({ number: i + 1, title: `pr-${i + 1}`, author: "bench", branch: `pr-${i + 1}` })));
  // Writes spaced 20 ms (not GitHub's 1 s): the point is nothing lost or doubled, not the write rate.
  const env = { ...world.env, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "warn", GITGATE_RECONCILE_INTERVAL_MINUTES: "10", REDIS_URL: redis.url, GITGATE_JOB_LOCK_SECONDS: "3", GITGATE_GITHUB_WRITE_SPACING_MS: "20" };
  const servers: (ServerProcess | undefined)[] = [await startServerProcess(env, join(dir, "a.log")), await startServerProcess(env, join(dir, "b.log"))];
  try {
    const base = (await git("rev-parse", "main")).toString().trim();
    const heads = new Map<number, string>();
    for (let n = 1; n <= prCount; n++) heads.set(n, (await git("rev-parse", `pr-${n}`)).toString().trim());
    const pushedAt = new Map<string, number>();
    const verdictAt = new Map<string, number>();
    const watcher = setInterval(() => {
      for (const run of world.repo.checkRuns) if (run.status === "completed" && !verdictAt.has(run.head_sha) && pushedAt.has(run.head_sha)) verdictAt.set(run.head_sha, performance.now());
    }, 5);
    // The schedule: per PR, opened (and a duplicate), then 4 pushes, each delivered as synchronize,
    // its duplicate (same delivery id), a stale one (the previous head's payload, a new id, late) and a burst twin.
    type Delivery = { pr: number; id: string; action: string; head: string };
    const ackMs: number[] = [];
    let sent = 0;
    let refused = 0;
    let turn = 0;
    const deliver = async (d: Delivery) => {
      const payload = examplePayload("pull_request", d.action, demoTarget, (p) => {
        p.number = d.pr;
        p.pull_request.number = d.pr;
        p.pull_request.base.ref = "main";
        p.pull_request.head.sha = d.head;
        p.pull_request.base.sha = base;
      });
      // A load balancer: round robin over the replicas that are up; GitHub's redelivery of a refused one goes to the other.
      for (let attempt = 0; attempt < 4; attempt++) {
        const live = servers.filter((s): s is ServerProcess => s !== undefined);
        const server = live[turn++ % live.length]!;
        const started = performance.now();
        const status = await sendWebhook(`${server.url}/api/github/webhooks`, world.webhookSecret, "pull_request", payload, d.id).catch(() => 0);
        if (status === 200) {
          ackMs.push(performance.now() - started);
          sent++;
          return;
        }
        refused++;
      }
      throw new Error(`delivery ${d.id} refused by every replica`);
    };
    const started = performance.now();
    const opened: Delivery[] = [];
    for (let n = 1; n <= prCount; n++) {
      const id = `opened-${n}`;
      opened.push({ pr: n, id, action: "opened", head: heads.get(n)! }, { pr: n, id, action: "opened", head: heads.get(n)! });
      pushedAt.set(heads.get(n)!, started);
    }
    await inBursts(opened, 25, deliver);
    let killed = false;
    for (let round = 0; round < 4; round++) {
      const batch: Delivery[] = [];
      for (let n = 1; n <= prCount; n++) {
        const previous = heads.get(n)!;
        const head = await push(`pr-${n}`, { [`k8s/pr-${n}.yaml`]: deployment(`pr-${n}`, 2 + round) });
        heads.set(n, head);
        pushedAt.set(head, performance.now());
        const id = `sync-${n}-${round}`;
        batch.push({ pr: n, id, action: "synchronize", head }, { pr: n, id, action: "synchronize", head }, { pr: n, id: `stale-${n}-${round}`, action: "synchronize", head: previous }, { pr: n, id: `burst-${n}-${round}`, action: "synchronize", head });
      }
      // Out of order: the stale deliveries are shuffled in among the new ones.
      batch.sort((a, b) => hash(a.id + round) - hash(b.id + round));
      if (round === 2 && !killed) {
        // Half-way: replica A dies mid-work, without a chance to hand anything back.
        killed = true;
        const half = batch.splice(0, batch.length / 2);
        await inBursts(half, 25, deliver);
        servers[0]!.child.kill("SIGKILL");
        servers[0] = undefined;
        await inBursts(batch.splice(0, 50), 25, deliver);
        servers[0] = await startServerProcess(env, join(dir, "a2.log"));
      }
      await inBursts(batch, 25, deliver);
    }
    // Late redeliveries of old deliveries (same ids): 20 per PR in all, 1,000 deliveries.
    const late: Delivery[] = [];
    for (let n = 1; n <= prCount; n++) late.push({ pr: n, id: `opened-${n}`, action: "opened", head: heads.get(n)! }, { pr: n, id: `stale-${n}-3`, action: "synchronize", head: heads.get(n)! });
    await inBursts(late, 25, deliver);
    const sending = (performance.now() - started) / 1000;
    // Every PR's newest head judged once, commented once, nothing in progress (bounded wait).
    const deadline = Date.now() + 240_000;
    let problems: string[] = [];
    for (;;) {
      problems = check(world, heads);
      if (problems.length === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // Anything still queued would show now: look again after a quiet moment.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    problems = check(world, heads);
    clearInterval(watcher);
    const verdicts = [...pushedAt].filter(([sha]) => verdictAt.has(sha)).map(([sha, at]) => verdictAt.get(sha)! - at);
    console.log(`load and fault: ${sent} deliveries accepted (${refused} refused while a replica was down, redelivered) in ${sending.toFixed(1)} s: ${(sent / sending).toFixed(0)} deliveries/s`);
    console.log(`  webhook ack p50 ${percentile(ackMs, 50).toFixed(1)} ms, p99 ${percentile(ackMs, 99).toFixed(1)} ms`);
    console.log(`  webhook → verdict (heads judged: ${verdicts.length} of ${pushedAt.size}; superseded heads are skipped by design) p50 ${percentile(verdicts, 50).toFixed(0)} ms, p99 ${percentile(verdicts, 99).toFixed(0)} ms`);
    console.log(`  GitHub requests per PR: ${(world.fake.apiRequests.length / prCount).toFixed(1)} (${world.fake.apiRequests.length} for ${prCount} PRs × 5 heads, sweeps included)`);
    if (problems.length > 0) throw new Error(`${problems.length} problems:\n  ${problems.slice(0, 20).join("\n  ")}`);
    console.log(`  PASS: every PR's current head has one completed gitgate/validate run and one sticky comment; nothing in progress`);
  } finally {
    for (const server of servers) await server?.stop();
    await world.close();
  }
}

function check(world: FakeGitHubWorld, heads: Map<number, string>): string[] {
  const problems: string[] = [];
  for (const run of world.repo.checkRuns) if (run.status !== "completed") problems.push(`run ${run.id} on ${run.head_sha.slice(0, 12)} is ${run.status}`);
  for (const [n, head] of heads) {
    const runs = world.repo.checkRuns.filter((r) => r.head_sha === head && r.name === "gitgate/validate");
    if (runs.length !== 1) problems.push(`#${n}: ${runs.length} gitgate/validate runs on its head`);
    const comments = world.repo.comments.filter((c) => c.issueNumber === n);
    if (comments.length !== 1) problems.push(`#${n}: ${comments.length} comments`);
    else if (!comments[0]!.body.includes(`Gitgate preview of \`${head.slice(0, 12)}\``)) problems.push(`#${n}: the comment is not about its current head`);
  }
  return problems;
}

async function inBursts<T>(items: T[], size: number, send: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(send));
}

function hash(text: string): number {
  let h = 0;
  for (const c of text) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return h;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
