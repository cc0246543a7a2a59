import { createNodeMiddleware, Webhooks } from "@octokit/webhooks";
import type { Logger } from "pino";
import type { Probot } from "probot";

/**
 * Where the server's webhooks arrive, without Probot's per-delivery GitHub client. Probot builds an
 * authenticated Octokit (with its throttling and retry plugins) for every delivery before any handler
 * runs, on the way to the 200; Gitgate's handlers only turn the event into a job, which authenticates
 * when it runs. Here a delivery is verified and parsed as Probot does (the same @octokit/webhooks),
 * and the handlers get the event (id, name, payload) and a logger.
 */
export function webhookIntake(secret: string, log: Logger) {
  const webhooks = new Webhooks({
    secret,
    log: log.child({ name: "webhooks" }),
    transform: (event) => ({ ...event, log: log.child({ name: "event", id: event.id }) }),
  });
  return {
    middleware: (path: string) => createNodeMiddleware(webhooks, { path, log }),
    /** The Probot app as handlers see it, with its webhook subscriptions going to this intake. */
    app(probot: Probot): Probot {
      const own: Record<string, unknown> = { on: webhooks.on, onAny: webhooks.onAny, onError: webhooks.onError, webhooks };
      return new Proxy(probot, {
        get(target, property) {
          if (typeof property === "string" && property in own) return own[property];
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    },
  };
}
