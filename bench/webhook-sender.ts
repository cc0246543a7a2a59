// A webhook sender on a thread of its own: the bench's process also serves the fake GitHub, whose work
// (git, GraphQL) would otherwise hold up the sender's own event loop and count against the server's
// acknowledgement time. GitHub's sender is not its API either.
import { isMainThread, parentPort, Worker } from "node:worker_threads";
import { sendWebhook } from "../src/demo/send-webhook.js";

export interface Delivery {
  event: string;
  payload: unknown;
}

interface Batch {
  url: string;
  secret: string;
  deliveries: Delivery[];
  /** Deliveries in flight at once. */
  concurrency: number;
  /** A pause after each delivery, per lane (a stream rather than a flood). */
  pauseMs?: number;
}

/** A sender thread: `send` delivers a batch and resolves with each delivery's acknowledgement time (ms). */
export function startWebhookSender() {
  const worker = new Worker(new URL(import.meta.url));
  const send = (batch: Batch) =>
    new Promise<number[]>((resolve, reject) => {
      worker.once("message", (answer: { ackMs: number[] } | { error: string }) => ("error" in answer ? reject(new Error(answer.error)) : resolve(answer.ackMs)));
      worker.postMessage(batch);
    });
  return { send, stop: () => worker.terminate() };
}

if (!isMainThread) {
  parentPort!.on("message", async ({ url, secret, deliveries, concurrency, pauseMs = 0 }: Batch) => {
    const ackMs: number[] = [];
    try {
      let next = 0;
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (next < deliveries.length) {
          const { event, payload } = deliveries[next++]!;
          const started = performance.now();
          const status = await sendWebhook(url, secret, event, payload);
          if (status !== 200) throw new Error(`webhook answered ${status}`);
          ackMs.push(performance.now() - started);
          if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
        }
      }));
      parentPort!.postMessage({ ackMs });
    } catch (error) {
      parentPort!.postMessage({ error: (error as Error).message });
    }
  });
}
