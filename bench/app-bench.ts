// The App end to end: webhook → verdict → preview comment for PRs of 10 and 100 changed files, through
// the real server process (production settings, Probot's throttling on) against the fake GitHub.
// Prints GitHub requests per evaluation and the wall time from webhook to published comment.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFakeGitHubWorld, demoTarget } from "../src/demo/demo-world.js";
import { examplePayload } from "../src/demo/example-payload.js";
import { sendWebhook } from "../src/demo/send-webhook.js";
import { startServerProcess } from "../src/demo/server-process.js";
import { waitForComment, waitForVerdict } from "../src/demo/wait-for-verdict.js";
import { runGit } from "../src/git/run-git.js";
import { writeFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";

const dir = await mkdtemp(join(tmpdir(), "gitgate-app-bench-"));
const git = (...args: string[]) => runGit(dir, ["-c", "user.name=bench", "-c", "user.email=bench@gitgate.invalid", ...args]);
const write = async (files: Record<string, string>) => {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  await git("add", "-A");
  await git("commit", "-qm", "bench");
};
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
const server = await startServerProcess(world.env, join(dir, "server.log"));
try {
  for (const [number, branch, count] of [[1, "ten", 10], [2, "hundred", 100]] as const) {
    const head = (await world.repo.git.resolve(branch))!;
    const before = world.fake.apiRequests.length;
    const started = performance.now();
    const payload = examplePayload("pull_request", "opened", demoTarget, (p) => {
      p.number = number;
      p.pull_request.number = number;
    });
    await sendWebhook(`${server.url}/api/github/webhooks`, world.webhookSecret, "pull_request", payload);
    const run = await waitForVerdict(world.repo, head, 120_000);
    const verdict = (performance.now() - started) / 1000;
    await waitForComment(world.repo, number, 60_000);
    const total = (performance.now() - started) / 1000;
    console.log(`${String(count).padStart(3)}-file PR: ${world.fake.apiRequests.length - before} GitHub requests, verdict after ${verdict.toFixed(2)} s, preview comment after ${total.toFixed(2)} s (${run.conclusion})`);
  }
} finally {
  await server.stop();
  await world.close();
  await rm(dir, { recursive: true, force: true });
}
