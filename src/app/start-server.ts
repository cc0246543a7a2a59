import { pino, type Logger } from "pino";
import { Probot, Server } from "probot";
import { createRegoCompiler } from "../opa/compile-rego.js";
import { today } from "../cli/today.js";
import { createGitgateApp } from "./gitgate-app.js";
import { healthHandler } from "./health-handler.js";
import { createMetrics } from "./metrics.js";
import type { ServerConfig } from "./server-config.js";

export interface RunningServer {
  port: number;
  stop(): Promise<void>;
}

/** Starts the webhook server with health, readiness and metrics endpoints. */
export async function startServer(config: ServerConfig, log: Logger = createLogger(config)): Promise<RunningServer> {
  const metrics = createMetrics();
  let ready = false;
  const app = createGitgateApp({
    appId: config.appId,
    compileRego: createRegoCompiler(),
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
  const server = new Server({
    Probot: Probot.defaults({
      appId: config.appId,
      privateKey: config.privateKey,
      secret: config.webhookSecret,
      log,
      ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
    }),
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
  ready = true;
  return {
    port: server.port,
    async stop() {
      ready = false;
      await server.stop();
      // Let work that was accepted finish, but not forever.
      await Promise.race([app.queue().onIdle(), new Promise((resolve) => setTimeout(resolve, 25_000).unref())]);
    },
  };
}

/** JSON logs with secrets redacted: tokens and keys never reach a log line. */
export function createLogger(config: Pick<ServerConfig, "logLevel">): Logger {
  return pino({
    level: config.logLevel,
    base: { name: "gitgate" },
    redact: { paths: ["req.headers.authorization", "headers.authorization", "*.token", "*.privateKey", "privateKey", "token"], censor: "[redacted]" },
  });
}
