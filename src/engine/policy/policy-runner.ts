import { Worker } from "node:worker_threads";
import type { PolicyLimits, PolicyModule } from "./policy-types.js";

export interface EvaluationItem {
  digest: string;
  entrypoint: string;
  input: unknown;
}

export type EvaluationOutcome =
  | { ok: true; result: unknown }
  | { ok: false; reason: "timeout" | "error" | "undefined"; message: string };

// From source (tests, tsx) the worker is the .ts file, which Node 24 runs by stripping types.
const workerUrl = new URL(import.meta.url.endsWith(".ts") ? "./policy-worker.ts" : "./policy-worker.js", import.meta.url);

/**
 * Evaluates policies in a worker thread, one batch at a time. Every evaluation has a time bound: when
 * one exceeds it, the worker is terminated (the only way to stop synchronous WebAssembly), that
 * evaluation is reported as a timeout, and a fresh worker carries on with the rest.
 */
export class PolicyRunner {
  private worker: Worker | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly modules: readonly PolicyModule[],
    private readonly limits: PolicyLimits,
  ) {}

  evaluate(items: readonly EvaluationItem[]): Promise<EvaluationOutcome[]> {
    const run = this.queue.then(() => this.runBatch(items));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.worker?.terminate();
    this.worker = undefined;
  }

  private spawn(): Worker {
    const worker = new Worker(workerUrl, {
      workerData: { modules: this.modules, memoryPages: Math.ceil((this.limits.memoryMiB * 1024 * 1024) / 65536) },
      resourceLimits: { maxOldGenerationSizeMb: Math.max(64, this.limits.memoryMiB * 2) },
    });
    worker.unref();
    return worker;
  }

  private async runBatch(items: readonly EvaluationItem[]): Promise<EvaluationOutcome[]> {
    const outcomes: EvaluationOutcome[] = [];
    while (outcomes.length < items.length) {
      const start = outcomes.length;
      const worker = (this.worker ??= this.spawn());
      const stopped = await new Promise<EvaluationOutcome | undefined>((resolve) => {
        let timer: NodeJS.Timeout;
        const arm = () => {
          clearTimeout(timer);
          timer = setTimeout(() => finish({ ok: false, reason: "timeout", message: `evaluation did not finish within ${this.limits.timeoutMs} ms and was stopped` }), this.limits.timeoutMs);
        };
        const onMessage = (message: { index: number; outcome: EvaluationOutcome }) => {
          outcomes[start + message.index] = message.outcome;
          if (outcomes.length === items.length) finish(undefined);
          else arm();
        };
        const onError = (error: Error) => finish({ ok: false, reason: "error", message: `the policy worker failed: ${error.message}` });
        const onExit = (code: number) => finish({ ok: false, reason: "error", message: `the policy worker exited (${code})` });
        const finish = (failure: EvaluationOutcome | undefined) => {
          clearTimeout(timer);
          worker.off("message", onMessage);
          worker.off("error", onError);
          worker.off("exit", onExit);
          resolve(failure);
        };
        worker.on("message", onMessage);
        worker.on("error", onError);
        worker.on("exit", onExit);
        arm();
        worker.postMessage(items.slice(start));
      });
      if (stopped) {
        // The evaluation in flight is the one after the last answered: it gets the failure.
        outcomes[outcomes.length] = stopped;
        const dead = this.worker;
        this.worker = undefined;
        await dead?.terminate();
      }
    }
    return outcomes;
  }
}
