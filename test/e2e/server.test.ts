import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { visit } from "jsonc-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoWorld, demoTarget, type DemoWorld } from "../../src/demo/demo-world.js";
import { examplePayload } from "../../src/demo/example-payload.js";
import { sendWebhook } from "../../src/demo/send-webhook.js";
import { startServerProcess, type ServerProcess } from "../../src/demo/server-process.js";
import { waitForCheck, waitForComment, waitForVerdict } from "../../src/demo/wait-for-verdict.js";

// The real server, started as `npm start` starts it, talking HTTP to a fake GitHub on localhost.
let world: DemoWorld;
let server: ServerProcess;
const logs = mkdtempSync(join(tmpdir(), "gitgate-e2e-"));

beforeAll(async () => {
  world = await createDemoWorld();
  server = await startServerProcess(world.env, join(logs, "server.log"));
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await world?.close();
});

/** Polls until `check` returns a value (the server works after it answers), or fails after 15 s. */
async function eventually<T>(check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met within 15 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const webhooks = () => `${server.url}/api/github/webhooks`;
// As GitHub sends it: with the PR's head and base commits.
const opened = (number: number, head: string, base: string) =>
  examplePayload("pull_request", "opened", demoTarget, (p) => {
    p.number = number;
    p.pull_request.number = number;
    p.pull_request.head.sha = head;
    p.pull_request.base.sha = base;
  });

describe("gitgate as a running server", () => {
  it("answers health, readiness and metrics", async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: "ready" });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain("# TYPE gitgate_webhooks_received_total counter");
    expect(metrics).toContain("# TYPE gitgate_evaluation_duration_seconds histogram");
    expect(metrics).toContain("gitgate_queue_depth 0");
    // Prometheus names: the app's prefix once, units in the name; no made-up rate limit before GitHub answers.
    expect(metrics).toContain("# TYPE gitgate_process_cpu_seconds_total counter");
    expect(metrics).not.toContain("gitgate_process_process_");
    expect(metrics).not.toMatch(/^gitgate_github_rate_limit_remaining 0$/m);
  });

  it("rejects a webhook with a bad signature and touches nothing", async () => {
    const before = world.fake.requests.length;
    const status = await sendWebhook(webhooks(), "not-the-secret", "pull_request", opened(1, "0".repeat(40), "0".repeat(40)));
    expect(status).toBe(400);
    expect(world.fake.requests.length).toBe(before);
  });

  it("keeps serving after bad input", async () => {
    const garbage = await fetch(webhooks(), { method: "POST", headers: { "content-type": "application/json", "x-github-event": "pull_request", "x-github-delivery": "x", "x-hub-signature-256": "sha256=00" }, body: "{not json" });
    expect(garbage.status).toBeGreaterThanOrEqual(400);
    expect((await fetch(webhooks(), { method: "GET" })).status).toBeGreaterThanOrEqual(400);
    expect(await sendWebhook(webhooks(), world.webhookSecret, "pull_request", { action: "opened" })).toBeLessThan(500);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("judges every prepared PR as expected, with one check run of each name per head and one preview comment each", async () => {
    for (const pr of world.prs) {
      const [head, base] = [(await world.repo.git.resolve(pr.name))!, (await world.repo.git.resolve("main"))!];
      const before = world.fake.apiRequests.length;
      // Delivered twice, as GitHub sometimes does.
      const delivery = `e2e-${pr.number}`;
      expect(await sendWebhook(webhooks(), world.webhookSecret, "pull_request", opened(pr.number, head, base), delivery)).toBe(200);
      expect(await sendWebhook(webhooks(), world.webhookSecret, "pull_request", opened(pr.number, head, base), delivery)).toBe(200);
      const run = await waitForVerdict(world.repo, head);
      expect(run.conclusion, pr.name).toBe(pr.expected.validate);
      expect(await waitForComment(world.repo, pr.number)).toMatch(/^<!-- gitgate:preview -->/);
      // examples/repo asks for approvals: nobody has reviewed yet, so every PR waits for them.
      const approval = await waitForCheck(world.repo, head, "gitgate/approval");
      expect(approval.conclusion, pr.name).toBe("action_required");
      expect(world.repo.checkRuns.filter((r) => r.head_sha === head).map((r) => r.name).sort()).toEqual(["gitgate/approval", "gitgate/validate"]);
      expect(world.repo.comments.filter((c) => c.issueNumber === pr.number)).toHaveLength(1);
      // At most 10 for gitgate/validate and the comment, 3 for gitgate/approval (the run marked in
      // progress, the reviews re-read, the run completed).
      expect(world.fake.apiRequests.length - before).toBeLessThanOrEqual(13);
    }
    expect(world.fake.rejectedBodies).toEqual([]);
    // The comment is the last request of an evaluation; the server counts it once GitHub has answered.
    const count = (conclusion: string) => world.prs.filter((pr) => pr.expected.validate === conclusion).length;
    const metrics = await eventually(async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      return text.includes(`gitgate_evaluations_total{conclusion="success"} ${count("success")}`) && /gitgate_queue_depth 0/.test(text) ? text : undefined;
    });
    expect(metrics).toContain(`gitgate_evaluations_total{conclusion="failure"} ${count("failure")}`);
    expect(metrics).toContain(`gitgate_evaluations_total{conclusion="success"} ${count("success")}`);
    expect(metrics).toMatch(/gitgate_github_requests_total \d+/);
  }, 120_000);
});

describe("the server's log", () => {
  it("is JSON lines naming delivery, repository, PR and head, with no token, key or secret value", async () => {
    const log = await eventually(async () => {
      const text = readFileSync(join(logs, "server.log"), "utf8");
      return text.split("\n").filter((line) => line.includes('"msg":"evaluated"')).length === world.prs.length ? text : undefined;
    });
    const lines = log.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    const evaluated = lines.filter((l) => l.msg === "evaluated");
    expect(evaluated.length).toBe(world.prs.length);
    for (const line of evaluated) expect(Object.keys(line)).toEqual(expect.arrayContaining(["delivery", "repo", "pr", "head", "conclusion"]));
    const tokens = world.fake.requests.map((r) => String(r.headers.authorization ?? "").replace(/^(token|bearer)\s+/i, "")).filter((t) => t.length > 20);
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of new Set(tokens)) expect(log).not.toContain(token);
    expect(log).not.toContain("PRIVATE KEY");
    expect(log).not.toContain(world.webhookSecret);
    expect(log).not.toContain("example-only-Zq8vT3wLm");
  });

  it("names every key once per line, and keeps successful probes out of the info log", async () => {
    for (let i = 0; i < 3; i++) for (const probe of ["healthz", "readyz", "metrics"]) await fetch(`${server.url}/${probe}`);
    await fetch(`${server.url}/not-a-route`);
    const log = await eventually(async () => {
      const text = readFileSync(join(logs, "server.log"), "utf8");
      return text.includes("GET /not-a-route 404") ? text : undefined;
    });
    for (const line of log.trim().split("\n")) {
      const keys: string[] = [];
      visit(line, { onObjectProperty: (name, _o, _l, _sl, _sc, path) => void (path().length === 0 && keys.push(name)) });
      expect(keys.length, line).toBe(new Set(keys).size);
    }
    // The requests that are not probes are still logged at info.
    expect(log).toMatch(/"level":30,[^\n]*"msg":"GET \/not-a-route 404/);
    // Successful probes are not; a failing one is (the readiness probe answers 503 until the start-up
    // sweeps are done, which is worth seeing at info).
    expect(log).not.toMatch(/"msg":"GET \/(healthz|readyz|metrics) 2\d\d/);
  });
});

describe("starting the server", () => {
  it("refuses to start in production without a webhook secret", () => {
    const main = fileURLToPath(new URL("../../dist/app/main.js", import.meta.url));
    const run = spawnSync(process.execPath, [main], { env: { PATH: process.env.PATH, NODE_ENV: "production", APP_ID: "1", PRIVATE_KEY: world.env.PRIVATE_KEY }, encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("WEBHOOK_SECRET must be set to the App's webhook secret");
  });
});
