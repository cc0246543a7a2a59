// The App end to end: webhook → verdict → preview comment for PRs of 10 and 100 changed files, through
// the real server process (production settings, Probot's throttling on) against the fake GitHub.
// Prints GitHub requests per evaluation and the wall time from webhook to published comment; then the
// webhook → completed verdict p50 over a series of pushes to a 10-file PR, and the webhook ack p99
// while evaluations run.
import { copyFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { createFakeGitHubWorld, demoTarget } from "../src/demo/demo-world.js";
import { examplePayload } from "../src/demo/example-payload.js";
import { sendWebhook } from "../src/demo/send-webhook.js";
import { startServerProcess } from "../src/demo/server-process.js";
import { waitForComment, waitForVerdict } from "../src/demo/wait-for-verdict.js";
import { createBenchRepo } from "./bench-repo.js";

const { dir, git, commit: write } = await createBenchRepo("gitgate-app-bench-");
const deployment = (i: number, replicas: number) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc-${i}\n  namespace: team\nspec:\n  replicas: ${replicas}\n  selector:\n    matchLabels: { app: svc-${i} }\n  template:\n    metadata:\n      labels: { app: svc-${i} }\n    spec:\n      securityContext: { runAsNonRoot: true }\n      containers:\n        - name: app\n          image: registry.example/svc-${i}:1.0.0\n          resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { cpu: 200m, memory: 128Mi } }\n          readinessProbe: { httpGet: { path: /ready, port: 8080 } }\n          livenessProbe: { httpGet: { path: /live, port: 8080 } }\n`;
const files = (count: number, replicas: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k8s/svc-${i}.yaml`, deployment(i, replicas)]));

await git("init", "-q", "-b", "main");
await write({ ".github/gitgate.yml": "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\npolicies:\n  builtin: [kubernetes, gitops]\n", ...files(100, 2) });
for (const [branch, count] of [["ten", 10], ["hundred", 100]] as const) {
  await git("checkout", "-q", "-b", branch, "main");
  await write(files(count, 3));
}
await git("checkout", "-q", "main");

const world = await createFakeGitHubWorld(dir, [
  { number: 1, title: "10 files", author: "bench", branch: "ten" },
  { number: 2, title: "100 files", author: "bench", branch: "hundred" },
]);
const server = await startServerProcess({ ...world.env, ...(process.env.BENCH_LOG_LEVEL ? { LOG_LEVEL: process.env.BENCH_LOG_LEVEL } : {}) }, join(dir, "server.log"));
try {
  for (const [number, branch, count] of [[1, "ten", 10], [2, "hundred", 100]] as const) {
    const head = (await world.repo.git.resolve(branch))!;
    const before = world.fake.apiRequests.length;
    const started = performance.now();
    const payload = examplePayload("pull_request", "opened", demoTarget, (p) => {
      p.number = number;
      p.pull_request.number = number;
      p.pull_request.base.ref = "main";
    });
    await sendWebhook(`${server.url}/api/github/webhooks`, world.webhookSecret, "pull_request", payload);
    const run = await waitForVerdict(world.repo, head, 120_000);
    const verdict = (performance.now() - started) / 1000;
    await waitForComment(world.repo, number, 60_000);
    const total = (performance.now() - started) / 1000;
    console.log(`${String(count).padStart(3)}-file PR: ${world.fake.apiRequests.length - before} GitHub requests, verdict after ${verdict.toFixed(2)} s, preview comment after ${total.toFixed(2)} s (${run.conclusion})`);
  }
  // Pushes to the 10-file PR, one at a time: webhook → completed verdict on the new head.
  const verdictMs: number[] = [];
  for (let i = 0; i < 15; i++) {
    await git("checkout", "-q", "ten");
    await write({ "k8s/svc-0.yaml": deployment(0, 4 + i) });
    await git("checkout", "-q", "main");
    const head = (await world.repo.git.resolve("ten"))!;
    const started = performance.now();
    await sendWebhook(`${server.url}/api/github/webhooks`, world.webhookSecret, "pull_request", synchronize(1));
    await until(() => world.repo.checkRuns.some((r) => r.head_sha === head && r.status === "completed"));
    verdictMs.push(performance.now() - started);
    await waitForComment(world.repo, 1, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 1200)); // let the comment's write spacing pass: each push is judged alone
  }
  console.log(`10-file PR, webhook → completed verdict: p50 ${percentile(verdictMs, 50).toFixed(0)} ms, max ${Math.max(...verdictMs).toFixed(0)} ms (${verdictMs.length} pushes)`);
  // Acknowledgement while evaluations run: 200 deliveries for both PRs, 20 at a time.
  const ackMs: number[] = [];
  for (let batch = 0; batch < 10; batch++) {
    await Promise.all(Array.from({ length: 20 }, async (_, i) => {
      const started = performance.now();
      await sendWebhook(`${server.url}/api/github/webhooks`, world.webhookSecret, "pull_request", synchronize(1 + ((batch + i) % 2)));
      ackMs.push(performance.now() - started);
    }));
  }
  console.log(`webhook ack while evaluating: p50 ${percentile(ackMs, 50).toFixed(1)} ms, p99 ${percentile(ackMs, 99).toFixed(1)} ms (${ackMs.length} deliveries)`);
} finally {
  await server.stop();
  // The server's log, for a closer look at where the time went.
  if (process.env.KEEP_LOG) await copyFile(join(dir, "server.log"), process.env.KEEP_LOG);
  await world.close();
  await rm(dir, { recursive: true, force: true });
}

function synchronize(number: number) {
  return examplePayload("pull_request", "synchronize", demoTarget, (p) => {
    p.number = number;
    p.pull_request.number = number;
    p.pull_request.base.ref = "main";
  });
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
