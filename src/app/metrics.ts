import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** What an operator watches: traffic, verdicts, latency, GitHub usage and the backlog. */
export function createMetrics() {
  const registry = new Registry();
  // prom-client's default names already start with process_ / nodejs_: the prefix is only the app's.
  collectDefaultMetrics({ register: registry, prefix: "gitgate_" });
  // Unknown until GitHub has answered once: a 0 before then would read as "rate limit exhausted".
  const rateLimit = new Gauge({ name: "gitgate_github_rate_limit_remaining", help: "x-ratelimit-remaining of the last GitHub response", registers: [] });
  return {
    registry,
    webhooks: new Counter({ name: "gitgate_webhooks_received_total", help: "Webhooks received, by event", labelNames: ["event"], registers: [registry] }),
    evaluations: new Counter({ name: "gitgate_evaluations_total", help: "Evaluations, by conclusion (error: could not evaluate)", labelNames: ["conclusion"], registers: [registry] }),
    duration: new Histogram({
      name: "gitgate_evaluation_duration_seconds",
      help: "Time from starting a job to publishing its verdict",
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers: [registry],
    }),
    githubRequests: new Counter({ name: "gitgate_github_requests_total", help: "Requests made to GitHub", registers: [registry] }),
    rateLimitRemaining: {
      set(value: number) {
        if (!registry.getSingleMetric("gitgate_github_rate_limit_remaining")) registry.registerMetric(rateLimit);
        rateLimit.set(value);
      },
    },
    queueDepth: new Gauge({ name: "gitgate_queue_depth", help: "Jobs waiting or running", registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
