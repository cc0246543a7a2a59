import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoTarget } from "../../src/demo/demo-world.js";
import { examplePayload } from "../../src/demo/example-payload.js";
import { sendWebhook } from "../../src/demo/send-webhook.js";
import { waitForVerdict } from "../../src/demo/wait-for-verdict.js";
import { startE2E, type E2E } from "../support/e2e-server.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";

// The real server (dist, as `npm start` runs it) against a fake GitHub, fed hostile pull requests.
const config = "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\nlimits:\n  max_file_bytes: 8388608\n";
const flatMap = Array.from({ length: 75_000 }, (_, i) => `k${i}: v\n`).join("");
const dottedValue = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dots\ndata:\n  value: "${"a.".repeat(50_000)}"\n`;
const aliasBomb = "anchor: &a\n" + Array.from({ length: 20_000 }, (_, i) => `  k${i}: v\n`).join("") + Array.from({ length: 99 }, (_, i) => `ref${i}: *a\n`).join("");
const password = "Zx9-correct-horse-battery-staple-Qw7";
const token = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
const secret = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: team\nstringData:\n  password: ${password}\n  token: ${token}\n`;

/** Polls the URL every 20 ms until stdin closes, printing each answer's latency (-1: not 200). */
const pollerScript = `
import { setPriority } from "node:os";
// The machine may be busy with other work: the measuring side goes first where it may, so what is
// measured is the server's answer, not the poller's own wait for a CPU.
try { setPriority(-10); } catch {}
const url = process.argv[1];
let running = true;
process.stdin.on("end", () => (running = false)).resume();
console.log("started");
while (running) {
  const started = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  console.log(response.status === 200 ? (performance.now() - started).toFixed(1) : -1);
  await new Promise((resolve) => setTimeout(resolve, 20));
}
`;

const attacks = ["flat-map", "dotted-value", "alias-bomb"];
let repo: TestRepo;
let e2e: E2E;

beforeAll(async () => {
  repo = await createTestRepo({ ".github/gitgate.yml": config, "README.md": "x\n" });
  await repo.branch("flat-map", "main", { "k8s/flat.yaml": flatMap });
  await repo.branch("dotted-value", "main", { "k8s/dots.yaml": dottedValue });
  await repo.branch("alias-bomb", "main", { "k8s/aliases.yaml": aliasBomb });
  await repo.branch("secret", "main", { "k8s/db-secret.yaml": secret });
  // Trace: the most talkative level must still not print a secret. A short bound, so whatever the
  // attacks cost, the test ends in bounded time.
  e2e = await startE2E(repo, [...attacks, "secret"], { LOG_LEVEL: "trace", GITGATE_EVALUATION_TIMEOUT_SECONDS: "10", GITGATE_EVALUATION_WORKERS: "2" });
}, 60_000);
afterAll(() => e2e?.close());

const webhooks = () => `${e2e.server.url}/api/github/webhooks`;
const opened = (number: number) =>
  examplePayload("pull_request", "opened", demoTarget, (p) => {
    p.number = number;
    p.pull_request.number = number;
  });

describe("hostile pull requests", () => {
  it("never block the server: /healthz answers within 50 ms while they are judged, and each gets a verdict", async () => {
    const heads = await Promise.all(attacks.map((branch) => repo.sha(branch)));
    // The poller is its own process: this one also serves the fake GitHub, and its own pauses must
    // not be blamed on the server.
    const poller = spawn(process.execPath, ["--input-type=module", "-e", pollerScript, `${e2e.server.url}/healthz`], { stdio: ["pipe", "pipe", "inherit"] });
    let output = "";
    poller.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await new Promise((resolve) => poller.stdout.once("data", resolve));
    for (const [i] of attacks.entries()) expect(await sendWebhook(webhooks(), e2e.world.webhookSecret, "pull_request", opened(i + 1))).toBe(200);
    const runs = await Promise.all(heads.map((head) => waitForVerdict(e2e.world.repo, head, 100_000)));
    poller.stdin.end();
    await new Promise((resolve) => poller.once("exit", resolve));
    const latencies = output.trim().split("\n").slice(1).map(Number);
    for (const run of runs) expect(["success", "failure"]).toContain(run.conclusion);
    // Past the bound an evaluation fails closed, saying why.
    for (const run of runs.filter((r) => r.output.title === "Could not evaluate")) expect(run.output.summary).toContain("took longer than 10 s");
    console.log(`/healthz: ${latencies.length} polls, worst ${Math.max(...latencies).toFixed(1)} ms; verdicts: ${runs.map((r) => `${r.conclusion} (${r.output.title})`).join(", ")}`);
    expect(latencies.length).toBeGreaterThan(10);
    expect(Math.min(...latencies)).toBeGreaterThan(0);
    // An evaluation on the event loop would hold /healthz for seconds. This is the one test that
    // measures time, as the security issue asks; `npm test` runs it alone, after the other files, so
    // their load on the machine does not stand in for the server's. What is left are the machine's own scheduling hiccups, rare and short on a
    // shared box: 99% of answers within 50 ms, none anywhere near a blocked loop.
    const sorted = [...latencies].sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length * 0.99)]).toBeLessThan(50);
    expect(sorted.at(-1)).toBeLessThan(1000);
  }, 120_000);
});

describe("the server's log at trace level", () => {
  it("holds no secret value of a PR, in any form", async () => {
    const head = await repo.sha("secret");
    expect(await sendWebhook(webhooks(), e2e.world.webhookSecret, "pull_request", opened(4))).toBe(200);
    expect((await waitForVerdict(e2e.world.repo, head)).output.text).toContain("v1 Secret team/db");
    // The verdict is published before the server logs it: wait for the log line.
    const deadline = Date.now() + 15_000;
    while (!readFileSync(e2e.logFile, "utf8").includes(`"pr":4,"head":"${head}"`) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const log = readFileSync(e2e.logFile, "utf8");
    expect(log).toContain('"level":20');
    // Request lines say what was sent where, not what the body held.
    expect(log).toMatch(/"bodyBytes":\d+,"msg":"GitHub request: PATCH [^"]*check-runs/);
    expect(log).not.toContain('"output":');
    for (const value of [password, token]) {
      for (const form of [value, Buffer.from(value).toString("base64")]) {
        for (let i = 0; i + 8 <= form.length; i++) expect(log, form.slice(i, i + 8)).not.toContain(form.slice(i, i + 8));
      }
    }
  }, 60_000);
});

describe("webhook bodies larger than GitHub sends", () => {
  // Sends `chunks` MiB (then ends the body, or with `end: false` waits), resolving with the status the
  // server answered; once an answer is in, the client stops sending, as a real client would.
  const post = (headers: Record<string, string | number>, chunks: number, end = true) =>
    new Promise<number>((resolve, reject) => {
      let answered = false;
      const req = request(webhooks(), { method: "POST", headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": "big", "x-hub-signature-256": `sha256=${"0".repeat(64)}`, ...headers } }, (res) => {
        answered = true;
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      // The server closes a refused connection: a write cut short after the answer is no failure.
      req.on("error", (error) => (answered ? undefined : reject(error)));
      const chunk = Buffer.alloc(1024 * 1024, "a");
      let sent = 0;
      const write = () => {
        while (sent < chunks && !answered) {
          sent++;
          if (!req.write(chunk)) return void req.once("drain", write);
        }
        if (end && !answered) req.end();
      };
      write();
    });

  it("are refused with 413 before they are read, by their declared length", async () => {
    // One MiB of the declared 30 is sent: the answer must come from the header alone.
    expect(await post({ "content-length": 30 * 1024 * 1024 }, 1, false)).toBe(413);
    expect((await fetch(`${e2e.server.url}/healthz`)).status).toBe(200);
  });

  it("are refused with 413 once they pass 25 MB, when no length is declared", async () => {
    expect(await post({ "transfer-encoding": "chunked" }, 30)).toBe(413);
    expect((await fetch(`${e2e.server.url}/healthz`)).status).toBe(200);
  });

  it("leave ordinary deliveries alone", async () => {
    expect(await sendWebhook(webhooks(), e2e.world.webhookSecret, "pull_request", { action: "opened" })).toBeLessThan(300);
  });
});
