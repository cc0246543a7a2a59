import type { Logger } from "pino";
import type { PeriodicSweep } from "../queue/periodic-sweep.js";

/**
 * GitHub never retries a webhook it gave up on: this sweep reads the App's delivery log over the last
 * hours and asks for the missed ones again. Each pass overlaps the previous one so nothing slips
 * between; with several replicas, the pass runs on whichever replica the engine picks, and a replica
 * that has not swept yet looks back the whole window.
 */
export function missedDeliverySweep(recover: (since: Date) => Promise<string[]>, log: Logger, intervalMs: number): PeriodicSweep {
  const window = 6 * 3600_000;
  let last = Date.now() - window;
  return {
    name: "missed-deliveries",
    intervalMs,
    async run() {
      const started = Date.now();
      try {
        const redelivered = await recover(new Date(Math.max(last - 15 * 60_000, started - window)));
        if (redelivered.length > 0) log.info({ redelivered: redelivered.length }, "asked GitHub to redeliver missed webhooks");
        last = started;
      } catch (error) {
        log.warn({ err: error }, "could not read the App's webhook delivery log");
      }
    },
  };
}
