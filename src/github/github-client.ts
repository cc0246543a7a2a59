import Bottleneck from "bottleneck";
import type { Redis } from "ioredis";
import { ProbotOctokit } from "probot";

/**
 * GitHub's guidance for integrations: mutations one at a time with at least a second between them,
 * reads as needed (within the rate limit), and obey `Retry-After`. Octokit's throttling plugin counts
 * every GraphQL request as a write, so a read-only query waited a second behind each write; here its
 * write lane lets everything through, and Gitgate spaces the real writes (REST POST/PATCH/PUT/DELETE
 * and GraphQL mutations) itself. The plugin still bounds concurrency (10 at once), retries on
 * secondary rate limits after `Retry-After`, and on the primary limit after its reset.
 *
 * Content-creating writes (a new comment, issue or review) are spaced three spacings apart, as the plugin
 * spaces them by default (three seconds to the writes' one): GitHub's secondary limit on creating content
 * is stricter than on other writes. One knob scales both, keeping that ratio.
 *
 * With `redis`, every limiter lives in Redis (Bottleneck's clustering, as Probot sets it up for
 * `REDIS_URL`): the spacing and bounds hold for all replicas together, not per process.
 */
export function gitgateOctokit(options: { writeSpacingMs?: number; redis?: Redis } = {}): typeof ProbotOctokit {
  const connection = options.redis ? new Bottleneck.IORedisConnection({ client: options.redis }) : undefined;
  const spacing = options.writeSpacingMs ?? 1000;
  // One lane per installation (Probot gives each installation's client its id), as the plugin keys its own.
  const writes = new Bottleneck.Group({ maxConcurrent: 1, minTime: spacing, ...(connection ? { connection, id: "gitgate-writes", clearDatastore: false } : {}) });
  const spaceWrites: Parameters<typeof ProbotOctokit.plugin>[0] = (octokit, octokitOptions) => {
    const lane = writes.key((octokitOptions.throttle as { id?: string } | undefined)?.id ?? "app");
    octokit.hook.wrap("request", async (request, endpoint) => (isWrite(endpoint) ? lane.schedule(async () => request(endpoint)) : request(endpoint)));
  };
  const notifications = new Bottleneck.Group({ maxConcurrent: 1, minTime: 3 * spacing, ...(connection ? { connection, id: "gitgate-notifications", clearDatastore: false } : {}) });
  const passThrough = { key: () => ({ schedule: <T>(_options: unknown, task: () => Promise<T>) => task() }) };
  return ProbotOctokit.plugin(spaceWrites).defaults((instance: Record<string, Record<string, unknown> | undefined>) => ({
    ...instance,
    throttle: { ...instance.throttle, write: passThrough, notifications, ...(connection ? { Bottleneck, connection } : {}) },
  })) as typeof ProbotOctokit;
}

/** A request that changes something on GitHub (the token exchange is not one: Octokit's auth lane orders it). */
export function isWrite(endpoint: { method?: string; url?: string; query?: unknown }): boolean {
  const method = (endpoint.method ?? "GET").toUpperCase();
  if (method === "GET" || method === "HEAD") return false;
  const path = new URL(endpoint.url ?? "/", "http://github.invalid").pathname;
  if (/\/app\/installations\/[^/]+\/access_tokens$/.test(path)) return false;
  if (path.endsWith("/graphql")) return typeof endpoint.query === "string" && /^\s*mutation\b/.test(endpoint.query);
  return true;
}
