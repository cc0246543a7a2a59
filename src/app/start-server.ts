import { Redis } from "ioredis";
import { pino, type Logger } from "pino";
import { Probot, Server } from "probot";
import { today } from "../cli/today.js";
import { EvaluationPool } from "../evaluation/evaluation-pool.js";
import { createGitgateApp } from "./gitgate-app.js";
import { gitgateOctokit } from "../github/github-client.js";
import { healthHandler } from "./health-handler.js";
import { probesAtDebug, uniqueKeysDestination } from "./log-hygiene.js";
import { createMetrics } from "./metrics.js";
import { limitWebhookBody } from "./webhook-body-limit.js";
import { webhookIntake } from "./webhook-intake.js";
import type { ServerConfig } from "./server-config.js";
import { RedisEngine } from "../queue/redis-engine.js";

/** Jobs each replica runs at once (each evaluation then waits for a worker thread of the pool). */
const concurrency = 4;
/** How long stopping waits for running jobs before handing them back (Kubernetes' grace is 30 s). */
const drainMs = 25_000;

export interface RunningServer {
  port: number;
  stop(): Promise<void>;
}

/** Starts the webhook server with health, readiness and metrics endpoints. */
export async function startServer(config: ServerConfig, log: Logger = createLogger(config)): Promise<RunningServer> {
  const metrics = createMetrics();
  let ready = false;
  // Every evaluation runs in this pool's workers: whatever a PR holds, the event loop stays free.
  const pool = new EvaluationPool(config.evaluation);
  // Its workers load the engine now, not on the first webhook, whose verdict would wait for them.
  for (let i = 0; i < pool.limits.workers; i++) pool.warm();
  // With Redis, the queue, duplicates, sweeps and GitHub throttling are shared by every replica.
  const engine = config.redisUrl ? await RedisEngine.connect({ url: config.redisUrl, concurrency, lockMs: config.jobLockSeconds * 1000, log: log.child({ name: "queue" }), onDepth: (depth) => metrics.queueDepth.set(depth) }) : undefined;
  const throttleRedis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 3 }) : undefined;
  throttleRedis?.on("error", (error: Error) => log.warn({ err: error.message }, "Redis connection error (GitHub throttling)"));
  const app = createGitgateApp({
    ...(engine ? { engine } : {}),
    concurrency,
    redeliveryIntervalMinutes: config.redeliveryIntervalMinutes,
    reconcileIntervalMinutes: config.reconcileIntervalMinutes,
    protectionSweepMinutes: config.protectionSweepMinutes,
    appId: config.appId,
    pool,
    today,
    onEvaluated: (report, seconds) => {
      metrics.evaluations.inc({ conclusion: report?.conclusion ?? "error" });
      metrics.duration.observe(seconds);
    },
    onGitHubRequests: (count, rateLimitRemaining) => {
      metrics.githubRequests.inc(count);
      if (rateLimitRemaining !== undefined) metrics.rateLimitRemaining.set(rateLimitRemaining);
    },
    onQueueDepth: (depth) => metrics.queueDepth.set(depth),
  });
  const ConfiguredProbot = Probot.defaults({
    appId: config.appId,
    privateKey: config.privateKey,
    secret: config.webhookSecret,
    log,
    Octokit: gitgateOctokit({ writeSpacingMs: config.writeSpacingMs, ...(throttleRedis ? { redis: throttleRedis } : {}) }),
    ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
  });
  // Outside production an unset secret is Probot's "development", as before.
  const intake = webhookIntake(config.webhookSecret || "development", log);
  // The Server puts Probot's webhook middleware first: replacing it is the one way in before it reads.
  class BoundedProbot extends ConfiguredProbot {
    override async getNodeMiddleware(options?: Parameters<Probot["getNodeMiddleware"]>[0]) {
      const path = options?.path ?? config.webhookPath;
      return limitWebhookBody(intake.middleware(path), path) as Awaited<ReturnType<Probot["getNodeMiddleware"]>>;
    }
  }
  const server = new Server({
    Probot: BoundedProbot,
    port: config.port,
    host: config.host,
    webhookPath: config.webhookPath,
    log,
    enableStaticFiles: false,
  });
  await server.load(async (loaded, options) => {
    const probot = intake.app(loaded);
    probot.onAny(async (event) => {
      metrics.webhooks.inc({ event: event.name });
    });
    probot.webhooks.onError((error) => log.warn({ err: error }, "webhook rejected"));
    await app.appFn(probot, options);
  });
  // Ready while the engine can accept work: with Redis away, webhooks get a 5xx and the pod leaves the Service.
  server.addHandler(healthHandler(metrics, () => ready && app.queue().healthy()));
  await server.start();
  // GitHub never retries a webhook it gave up on, and work acknowledged but lost is not redelivered:
  // sweep both at start (the embedded engine waits a little for the first pass before reporting
  // ready) and then regularly, on one replica at a time.
  await Promise.all(app.sweeps().map((sweep) => app.queue().schedule(sweep)));
  ready = true;
  return {
    port: server.port,
    async stop() {
      ready = false;
      await server.stop();
      // Let work that was accepted finish, but not forever; with Redis the rest is handed back.
      await app.queue().close(drainMs);
      await pool.close();
      await throttleRedis?.quit().catch(() => throttleRedis.disconnect());
    },
  };
}

/**
 * JSON logs with secrets redacted: tokens and keys never reach a log line. At debug, Probot logs every
 * GitHub request with its whole body (check-run outputs, comments: previews of the change). Those are
 * already scrubbed of the change's secrets, but a log is the wrong place for a PR's content at all, and
 * a 64 KB line per request drowns the rest: request lines keep method, URL and status, and the body's size.
 */
export function createLogger(config: Pick<ServerConfig, "logLevel">): Logger {
  return pino({
    level: config.logLevel,
    base: { name: "gitgate" },
    redact: { paths: ["req.headers.authorization", "headers.authorization", "*.token", "*.privateKey", "privateKey", "token"], censor: "[redacted]" },
    hooks: {
      logMethod(args, method, level) {
        const [first, message] = args as unknown[];
        if (typeof message === "string" && message.startsWith("GitHub request:") && first !== null && typeof first === "object") {
          return method.apply(this, [{ bodyBytes: Buffer.byteLength(JSON.stringify(first)) }, message]);
        }
        return probesAtDebug.call(this, args, method, level);
      },
    },
  }, uniqueKeysDestination((line) => process.stdout.write(line)));
}
