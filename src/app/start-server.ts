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
import type { ServerConfig } from "./server-config.js";

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
  const app = createGitgateApp({
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
    Octokit: gitgateOctokit(),
    ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
  });
  // The Server puts Probot's webhook middleware first; wrapping it is the one way in before it reads.
  class BoundedProbot extends ConfiguredProbot {
    override async getNodeMiddleware(options?: Parameters<Probot["getNodeMiddleware"]>[0]) {
      return limitWebhookBody(await super.getNodeMiddleware(options), options?.path ?? config.webhookPath) as Awaited<ReturnType<Probot["getNodeMiddleware"]>>;
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
  await server.load(async (probot, options) => {
    probot.onAny(async (event) => {
      metrics.webhooks.inc({ event: event.name });
    });
    probot.webhooks.onError((error) => log.warn({ err: error }, "webhook rejected"));
    await app.appFn(probot, options);
  });
  server.addHandler(healthHandler(metrics, () => ready));
  await server.start();
  // GitHub never retries a webhook it gave up on: sweep the App's delivery log for missed ones at
  // start (before reporting ready) and then regularly.
  const sweep = missedDeliverySweep(app.recoverMissedDeliveries, log);
  await Promise.race([sweep(), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
  const timer = config.redeliveryIntervalMinutes > 0 ? setInterval(() => void sweep(), config.redeliveryIntervalMinutes * 60_000) : undefined;
  timer?.unref();
  ready = true;
  return {
    port: server.port,
    async stop() {
      ready = false;
      clearInterval(timer);
      await server.stop();
      // Let work that was accepted finish, but not forever.
      await Promise.race([app.queue().onIdle(), new Promise((resolve) => setTimeout(resolve, 25_000).unref())]);
      await pool.close();
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

/** A sweep over the last hours of deliveries, overlapping the previous sweep so nothing slips between. */
function missedDeliverySweep(recover: (since: Date) => Promise<string[]>, log: Logger) {
  const window = 6 * 3600_000;
  let last = Date.now() - window;
  return async () => {
    const started = Date.now();
    try {
      const redelivered = await recover(new Date(Math.max(last - 15 * 60_000, started - window)));
      if (redelivered.length > 0) log.info({ redelivered: redelivered.length }, "asked GitHub to redeliver missed webhooks");
      last = started;
    } catch (error) {
      log.warn({ err: error }, "could not read the App's webhook delivery log");
    }
  };
}
