import { readFileSync } from "node:fs";
import { readEvaluationLimits, type EvaluationLimits } from "../evaluation/evaluation-limits.js";

export interface ServerConfig {
  appId: number;
  privateKey: string;
  webhookSecret: string;
  webhookPath: string;
  port: number;
  host: string;
  /** GitHub Enterprise (or a local fake GitHub): the REST base URL; GraphQL is derived from it. */
  baseUrl?: string;
  logLevel: "trace" | "debug" | "info" | "warn" | "error" | "fatal";
  production: boolean;
  /** Minutes between sweeps of the delivery log for missed webhooks (0: only at start). */
  redeliveryIntervalMinutes: number;
  /** Minutes between reconcile sweeps over open PRs without a verdict (0: only at start; off: never). */
  reconcileIntervalMinutes: number | "off";
  /** Redis shared by every replica (queue, duplicates, sweeps, GitHub throttling); without it all is in this process. */
  redisUrl?: string;
  /** With Redis: a replica that stops renewing a running job's lock for this long loses it to another replica. */
  jobLockSeconds: number;
  /** Milliseconds between writes to GitHub per installation (GitHub's guidance for github.com: 1000). */
  writeSpacingMs: number;
  /** Minutes between looks at every installed repository's branch protection (0: only on events). */
  protectionSweepMinutes: number;
  /** Bounds of every evaluation (time, memory) and how many run at once. */
  evaluation: EvaluationLimits;
}

export class ServerConfigError extends Error {
  override name = "ServerConfigError";
}

/**
 * The server's configuration from the environment alone (the standard Probot variables). Every problem
 * is collected and reported at once. In production a missing or default webhook secret refuses to
 * start: Probot would otherwise accept webhooks signed with the public word "development".
 */
export function readServerConfig(env: NodeJS.ProcessEnv): ServerConfig {
  const problems: string[] = [];
  const production = env.NODE_ENV === "production";
  const appId = Number(env.APP_ID);
  if (!Number.isInteger(appId) || appId <= 0) problems.push("APP_ID must be the App's numeric id");
  let privateKey = env.PRIVATE_KEY ?? "";
  if (!privateKey && env.PRIVATE_KEY_PATH) {
    try {
      privateKey = readFileSync(env.PRIVATE_KEY_PATH, "utf8");
    } catch (error) {
      problems.push(`PRIVATE_KEY_PATH cannot be read: ${(error as Error).message}`);
    }
  }
  privateKey = normalizeKey(privateKey);
  if (!privateKey && !problems.some((p) => p.startsWith("PRIVATE_KEY_PATH"))) problems.push("PRIVATE_KEY or PRIVATE_KEY_PATH must give the App's private key");
  else if (privateKey && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey)) problems.push("the private key is not a PEM key (PRIVATE_KEY may also be base64 of one)");
  const webhookSecret = env.WEBHOOK_SECRET ?? "";
  if (production && (webhookSecret === "" || webhookSecret === "development")) {
    problems.push("WEBHOOK_SECRET must be set to the App's webhook secret: refusing to accept unsigned or default-signed webhooks in production");
  }
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push("PORT must be a port number");
  const level = env.LOG_LEVEL ?? "info";
  if (!["trace", "debug", "info", "warn", "error", "fatal"].includes(level)) problems.push("LOG_LEVEL must be trace, debug, info, warn, error or fatal");
  const redeliveryIntervalMinutes = Number(env.GITGATE_REDELIVERY_INTERVAL_MINUTES ?? 10);
  if (!Number.isFinite(redeliveryIntervalMinutes) || redeliveryIntervalMinutes < 0) problems.push("GITGATE_REDELIVERY_INTERVAL_MINUTES must be a number of minutes");
  // "off": never (the demo and tests, where a PR waiting for its webhook is the point).
  const reconcileIntervalMinutes = env.GITGATE_RECONCILE_INTERVAL_MINUTES === "off" ? "off" : Number(env.GITGATE_RECONCILE_INTERVAL_MINUTES ?? 10);
  if (reconcileIntervalMinutes !== "off" && (!Number.isFinite(reconcileIntervalMinutes) || reconcileIntervalMinutes < 0)) problems.push("GITGATE_RECONCILE_INTERVAL_MINUTES must be a number of minutes, or off");
  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) problems.push("REDIS_URL must be a redis:// or rediss:// URL");
  const jobLockSeconds = Number(env.GITGATE_JOB_LOCK_SECONDS ?? 30);
  if (!Number.isFinite(jobLockSeconds) || jobLockSeconds < 1) problems.push("GITGATE_JOB_LOCK_SECONDS must be a number of seconds, at least 1");
  const writeSpacingMs = Number(env.GITGATE_GITHUB_WRITE_SPACING_MS ?? 1000);
  if (!Number.isInteger(writeSpacingMs) || writeSpacingMs < 0) problems.push("GITGATE_GITHUB_WRITE_SPACING_MS must be a whole number of milliseconds");
  const protectionSweepMinutes = Number(env.GITGATE_PROTECTION_SWEEP_MINUTES ?? 60);
  if (!Number.isFinite(protectionSweepMinutes) || protectionSweepMinutes < 0) problems.push("GITGATE_PROTECTION_SWEEP_MINUTES must be a number of minutes (0 turns the sweep off)");
  const evaluation = readEvaluationLimits(env);
  problems.push(...evaluation.problems);
  if (problems.length > 0) throw new ServerConfigError(`cannot start:\n- ${problems.join("\n- ")}`);
  const protocol = env.GHE_PROTOCOL ?? "https";
  return {
    appId,
    privateKey,
    webhookSecret: webhookSecret || "development",
    webhookPath: env.WEBHOOK_PATH ?? "/api/github/webhooks",
    port,
    // Containers must listen on every interface; a developer's laptop only on itself.
    host: env.HOST ?? (production ? "0.0.0.0" : "localhost"),
    ...(env.GHE_HOST ? { baseUrl: `${protocol}://${env.GHE_HOST}/api/v3` } : {}),
    logLevel: level as ServerConfig["logLevel"],
    production,
    redeliveryIntervalMinutes,
    reconcileIntervalMinutes,
    ...(redisUrl ? { redisUrl } : {}),
    jobLockSeconds,
    writeSpacingMs,
    protectionSweepMinutes,
    evaluation: evaluation.limits,
  };
}

/** Accepts a PEM key as is, with escaped newlines (one-line env files), or base64-encoded. */
function normalizeKey(key: string): string {
  const trimmed = key.trim();
  if (trimmed === "") return "";
  if (trimmed.includes("-----BEGIN")) return trimmed.replace(/\\n/g, "\n");
  const decoded = Buffer.from(trimmed, "base64").toString("utf8");
  return decoded.includes("-----BEGIN") ? decoded : trimmed;
}
