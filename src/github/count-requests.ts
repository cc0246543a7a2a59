import type { GitHub } from "./github-types.js";

export interface RequestCounter {
  readonly count: number;
  /** x-ratelimit-remaining of the last response, when GitHub sent one. */
  readonly rateLimitRemaining: number | undefined;
}

/** Counts the HTTP requests a client makes (retries included), for logs, metrics and the budget test. */
export function countRequests(github: GitHub): RequestCounter {
  const counter: { count: number; rateLimitRemaining: number | undefined } = { count: 0, rateLimitRemaining: undefined };
  github.hook.before("request", () => {
    counter.count++;
  });
  github.hook.after("request", (response) => {
    const remaining = Number(response.headers["x-ratelimit-remaining"]);
    if (Number.isFinite(remaining)) counter.rateLimitRemaining = remaining;
  });
  return counter;
}
