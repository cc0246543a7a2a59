import { sign } from "@octokit/webhooks-methods";
import { generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import nock from "nock";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { createGitgateApp } from "../../src/app/gitgate-app.js";
import type { EvaluationLimits } from "../../src/evaluation/evaluation-limits.js";
import { EvaluationPool } from "../../src/evaluation/evaluation-pool.js";
import { examplePayload as realPayload } from "../../src/demo/example-payload.js";
import type { JobEngine } from "../../src/queue/job-engine.js";
import { FakeGitHub } from "../../src/fake-github/fake-github.js";
import type { FakeRepository } from "../../src/fake-github/fake-state.js";
import { routeGitHubTo } from "./fake-github-nock.js";

export const appId = 4242;
export const installationId = 77;
export const webhookSecret = "test-webhook-secret";
const owner = "acme";
const name = "platform-config";

const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } }).privateKey;

export interface AppHarness {
  fake: FakeGitHub;
  repo: FakeRepository;
  queue: JobEngine;
  /** The app's sweep of the delivery log (what the server runs at start and every few minutes). */
  recoverMissedDeliveries(since: Date): Promise<string[]>;
  /** One reconcile sweep (what the server runs at start and every few minutes); returns how many PRs it submitted. */
  reconcile(): Promise<number>;
  /** The app's scheduled look at every installed repository's branch protection; returns how many were queued. */
  sweepProtection(): Promise<number>;
  /** POSTs a signed webhook to the app's real HTTP endpoint and returns the HTTP status. */
  deliver(event: string, payload: unknown, options?: { id?: string; signature?: string }): Promise<number>;
  close(): Promise<void>;
}

/** The real app (Probot, handlers, queue, engine) on an HTTP server, with GitHub faked behind nock. */
export async function startApp(gitDir: string, options: { evaluation?: Partial<EvaluationLimits>; inProgressAfterMs?: number; engine?: JobEngine } = {}): Promise<AppHarness> {
  const fake = new FakeGitHub(appId);
  const repo = fake.addRepository(owner, name, gitDir, installationId);
  routeGitHubTo(fake);
  const probot = new Probot({
    appId,
    privateKey,
    secret: webhookSecret,
    log: pino({ level: process.env.TEST_LOG ?? "silent" }),
    // Throttling off so tests do not wait a second between writes; retries on, with short delays.
    // (A function, so it applies after Probot's own defaults, which would otherwise replace it.)
    Octokit: ProbotOctokit.defaults((options: Record<string, Record<string, unknown> | undefined>) => ({
      ...options,
      throttle: { ...options.throttle, enabled: false },
      retry: { ...options.retry, retryAfterBaseValue: 5 },
    })),
  });
  const pool = new EvaluationPool(options.evaluation);
  const app = createGitgateApp({ appId, pool, today: () => "2026-06-01", ...(options.inProgressAfterMs !== undefined ? { inProgressAfterMs: options.inProgressAfterMs } : {}), ...(options.engine ? { engine: options.engine } : {}) });
  await probot.load(app.appFn);
  const middleware = await probot.getNodeMiddleware();
  const server: Server = createServer((req, res) => {
    void middleware(req, res, () => res.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  nock.enableNetConnect("127.0.0.1");
  fake.webhookTarget = { url: `http://127.0.0.1:${port}${probot.webhookPath}`, secret: webhookSecret };
  return {
    fake,
    repo,
    queue: app.queue(),
    recoverMissedDeliveries: app.recoverMissedDeliveries,
    reconcile: app.reconcile,
    sweepProtection: app.sweepProtection,
    async deliver(event, payload, options = {}) {
      const body = JSON.stringify(payload);
      const response = await fetch(`http://127.0.0.1:${port}${probot.webhookPath}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": event,
          "x-github-delivery": options.id ?? crypto.randomUUID(),
          "x-hub-signature-256": options.signature ?? (await sign(webhookSecret, body)),
        },
        body,
      });
      await response.arrayBuffer();
      return response.status;
    },
    async close() {
      await app.queue().onIdle();
      await app.queue().close(5000);
      // Every body Gitgate sent must be one the real GitHub accepts.
      if (fake.rejectedBodies.length > 0) throw new Error(`GitHub would reject: ${JSON.stringify(fake.rejectedBodies)}`);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.close();
      fake.close();
      nock.cleanAll();
      nock.enableNetConnect();
    },
  };
}

/** A real example payload from @octokit/webhooks-examples, pointed at the test repository. */
export function examplePayload(event: string, action: string | undefined, patch: (payload: Record<string, any>) => void = () => undefined): Record<string, any> {
  return realPayload(event, action, { owner, repo: name, installationId }, patch) as Record<string, any>;
}
