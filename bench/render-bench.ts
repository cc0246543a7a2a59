// Rendering: a repository of 50 Kustomize targets (25 apps, a staging and a production overlay each,
// over a shared base per app) and a pull request that changes one overlay's image tag. Prints the
// render time of one target (the helper process, median of 5, and the slowest of all 50 rendered once)
// and the App's verdict time for the pull request (webhook → completed gitgate/validate, median of 3
// pushes), through the real server process against the fake GitHub, with its GitHub requests.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { createFakeGitHubWorld, demoTarget } from "../src/demo/demo-world.js";
import { examplePayload } from "../src/demo/example-payload.js";
import { sendWebhook } from "../src/demo/send-webhook.js";
import { startServerProcess } from "../src/demo/server-process.js";
import { waitForVerdict } from "../src/demo/wait-for-verdict.js";
import { createBenchRepo } from "./bench-repo.js";
import { ensureRenderHelper } from "../src/rendering/render-helper-binary.js";
import { runRenderHelper } from "../src/rendering/run-render-helper.js";

const apps = 25;
const { dir, git, commit: write } = await createBenchRepo("gitgate-render-bench-");
const deployment = (i: number) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc-${i}\n  labels: { app.kubernetes.io/name: svc-${i} }\nspec:\n  replicas: 2\n  selector:\n    matchLabels: { app: svc-${i} }\n  template:\n    metadata:\n      labels: { app: svc-${i} }\n    spec:\n      securityContext: { runAsNonRoot: true }\n      containers:\n        - name: app\n          image: registry.example/svc-${i}:1.0.0\n          resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { cpu: 200m, memory: 128Mi } }\n          readinessProbe: { httpGet: { path: /ready, port: 8080 } }\n          livenessProbe: { httpGet: { path: /live, port: 8080 } }\n`;
const service = (i: number) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\nspec:\n  selector: { app: svc-${i} }\n  ports: [{ port: 80, targetPort: 8080 }]\n`;
const overlay = (i: number, env: string, tag: string) =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${env}\nresources:\n  - ../../base\nimages:\n  - name: registry.example/svc-${i}\n    newTag: "${tag}"\n`;
const repoFiles: Record<string, string> = { ".github/gitgate.yml": "version: 1\npolicies:\n  builtin: [kubernetes, gitops]\n" };
for (let i = 0; i < apps; i++) {
  repoFiles[`apps/svc-${i}/base/kustomization.yaml`] = "resources:\n  - deployment.yaml\n  - service.yaml\n";
  repoFiles[`apps/svc-${i}/base/deployment.yaml`] = deployment(i);
  repoFiles[`apps/svc-${i}/base/service.yaml`] = service(i);
  for (const env of ["staging", "production"]) repoFiles[`apps/svc-${i}/overlays/${env}/kustomization.yaml`] = overlay(i, env, "1.0.0");
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

await git("init", "-q", "-b", "main");
await write(repoFiles);
await git("checkout", "-q", "-b", "bump", "main");
await write({ "apps/svc-7/overlays/production/kustomization.yaml": overlay(7, "production", "1.0.1") });
await git("checkout", "-q", "main");

const helper = ensureRenderHelper();
const bounds = { timeoutMs: 30_000, memoryMiB: 512, network: false };
const filesOf = (i: number, env: string) => Object.fromEntries(Object.entries(repoFiles).filter(([p]) => p.startsWith(`apps/svc-${i}/base/`) || p.startsWith(`apps/svc-${i}/overlays/${env}/`)));
const timeRender = async (i: number, env: string) => {
  const started = performance.now();
  const outcome = await runRenderHelper(helper, { kind: "kustomize", files: filesOf(i, env), root: `apps/svc-${i}/overlays/${env}` }, bounds);
  if (!outcome.ok) throw new Error(outcome.error);
  return (performance.now() - started) / 1000;
};
const one = [];
for (let round = 0; round < 5; round++) one.push(await timeRender(7, "production"));
const all = [];
for (let i = 0; i < apps; i++) for (const env of ["staging", "production"]) all.push(await timeRender(i, env));
console.log(`\nRendering (${apps * 2} Kustomize targets): one target ${(median(one) * 1000).toFixed(0)} ms (median of 5, one helper process); all ${all.length} once: median ${(median(all) * 1000).toFixed(0)} ms, slowest ${(Math.max(...all) * 1000).toFixed(0)} ms`);

const world = await createFakeGitHubWorld(dir, [{ number: 1, title: "svc-7: production 1.0.1", author: "bench", branch: "bump" }]);
const server = await startServerProcess(world.env, join(dir, "server.log"));
try {
  const verdicts: number[] = [];
  let requests = 0;
  for (let push = 0; push < 3; push++) {
    if (push > 0) {
      await git("checkout", "-q", "bump");
      await write({ "apps/svc-7/overlays/production/kustomization.yaml": overlay(7, "production", `1.0.${push + 1}`) });
      await git("checkout", "-q", "main");
    }
    const head = (await world.repo.git.resolve("bump"))!;
    const before = world.fake.apiRequests.length;
    const started = performance.now();
    const payload = examplePayload("pull_request", push === 0 ? "opened" : "synchronize", demoTarget, (p) => {
      p.number = 1;
      p.pull_request.number = 1;
      p.pull_request.base.ref = "main";
      p.pull_request.head.sha = head;
    });
    await sendWebhook(`${server.url}/api/github/webhooks`, world.webhookSecret, "pull_request", payload);
    const run = await waitForVerdict(world.repo, head, 120_000);
    verdicts.push((performance.now() - started) / 1000);
    requests = world.fake.apiRequests.length - before;
    if (run.conclusion !== "success") throw new Error(`expected success, got ${run.conclusion}: ${JSON.stringify(run.output).slice(0, 500)}`);
  }
  console.log(`App: a PR touching one overlay of ${apps * 2} targets: verdict after ${median(verdicts).toFixed(2)} s (median of 3 pushes; the first ${verdicts[0]!.toFixed(2)} s), ${requests} GitHub requests per evaluation (with the comment)`);
} catch (error) {
  console.error(await readFile(join(dir, "server.log"), "utf8").catch(() => ""));
  throw error;
} finally {
  await server.stop();
  await world.close();
  await rm(dir, { recursive: true, force: true });
}
