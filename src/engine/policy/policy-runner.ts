import { resourceLimits as threadLimits, Worker } from "node:worker_threads";
import type { PolicyLimits, PolicyModule } from "./policy-types.js";
import { importedMemoryPages } from "./wasm-memory.js";

export interface EvaluationItem {
  digest: string;
  entrypoint: string;
  input: unknown;
}

export type EvaluationOutcome =
  | { ok: true; result: unknown }
  | { ok: false; reason: "timeout" | "error" | "undefined" | "memory"; message: string };

// From source (tests, tsx) the worker is the .ts file, which Node 24 runs by stripping types.
const workerUrl = new URL(import.meta.url.endsWith(".ts") ? "./policy-worker.ts" : "./policy-worker.js", import.meta.url);

/**
 * Evaluates policies in a worker thread, one batch at a time. Every evaluation has a time bound: when
 * one exceeds it, the worker is terminated (the only way to stop synchronous WebAssembly), that
 * evaluation is reported as a timeout, and a fresh worker carries on with the rest.
 */
/** How long a fresh worker may take to start and load its modules before its batch is given up. */
const startupBoundMs = 30_000;

/** The most evaluations a batch that serves several callers holds (one caller's are never split). */
const maxBatchItems = 64;

/**
 * Shared with the worker: [0] is 1 + the index in its batch of the evaluation under way (0 while the
 * batch's modules load), [1] is 1 while a module is loaded again for that evaluation (after an earlier
 * one failed): loading is not held against an evaluation's time bound.
 */
const newProgress = () => new Int32Array(new SharedArrayBuffer(8));

/**
 * The most memory a repository's `limits.policy_memory_mib` may give its policies in this thread: a
 * quarter of the thread's own bound (the operator's GITGATE_EVALUATION_MEMORY_MIB), since the policy
 * thread holds its WebAssembly memory and a heap of twice that outside it. Without the cap a
 * repository could size one evaluation at gigabytes, past what the server is planned for. Unbounded on
 * a thread without a bound (the CLI's own, which the user runs).
 */
function policyMemoryCeilingMiB(): number {
  const bound = threadLimits.maxOldGenerationSizeMb;
  return bound !== undefined && bound > 0 ? Math.max(16, Math.floor(bound / 4)) : Infinity;
}

export class PolicyRunner {
  private worker: Worker | undefined;
  private progress = newProgress();
  /** Evaluations asked for while a batch is in the worker: they go together, in the next one. */
  private waiting: { items: readonly EvaluationItem[]; done: (outcomes: EvaluationOutcome[]) => void; failed: (error: unknown) => void }[] = [];
  private running: Promise<void> | undefined;

  private readonly limits: PolicyLimits;

  constructor(
    private readonly modules: readonly PolicyModule[],
    limits: PolicyLimits,
  ) {
    this.limits = { ...limits, memoryMiB: Math.min(limits.memoryMiB, policyMemoryCeilingMiB()) };
  }

  /**
   * Evaluates the items, in the worker's next batch: the files a thread judges at once ask for their
   * policies together, and one message there and back serves them all. (A message per file woke the
   * policy thread for each: on the corpus ×16 with the bench's policy, 4% more CPU in all.)
   */
  evaluate(items: readonly EvaluationItem[]): Promise<EvaluationOutcome[]> {
    const outcomes = new Promise<EvaluationOutcome[]>((done, failed) => this.waiting.push({ items, done, failed }));
    this.running ??= this.drain();
    return outcomes;
  }

  private async drain(): Promise<void> {
    for (let callers; (callers = this.nextCallers()).length > 0;) {
      try {
        const outcomes = await this.runBatch(callers.flatMap((c) => c.items));
        let at = 0;
        for (const { items, done } of callers) done(outcomes.slice(at, (at += items.length)));
      } catch (error) {
        for (const { failed } of callers) failed(error);
      }
    }
    this.running = undefined;
  }

  /**
   * The callers whose evaluations go in the next batch: whole callers, at least one, up to
   * `maxBatchItems` items. All of a batch's inputs are in the policy thread's heap at once: a bound
   * keeps what one file brings from failing its neighbours' evaluations too.
   */
  private nextCallers(): typeof this.waiting {
    let count = 0;
    let items = 0;
    while (count < this.waiting.length && (count === 0 || items + this.waiting[count]!.items.length <= maxBatchItems)) items += this.waiting[count++]!.items.length;
    return this.waiting.splice(0, count);
  }

  /**
   * Starts the worker now, so that it starts and loads the policies while the caller parses and
   * validates the documents it will hand over: a thread's start was on the way of a one-file validate.
   */
  warm(): void {
    this.worker ??= this.spawn();
  }

  async close(): Promise<void> {
    await this.running;
    await this.worker?.terminate();
    this.worker = undefined;
  }

  private spawn(): Worker {
    this.progress = newProgress();
    const worker = new Worker(workerUrl, {
      workerData: { modules: this.modules.map((m) => ({ ...m, initialPages: importedMemoryPages(m.wasm) })), memoryPages: Math.ceil((this.limits.memoryMiB * 1024 * 1024) / 65536), memoryMiB: this.limits.memoryMiB, progress: this.progress },
      resourceLimits: { maxOldGenerationSizeMb: Math.max(64, this.limits.memoryMiB * 2) },
    });
    worker.unref();
    // The worker loads the policies as it starts, before any batch listens to it: one that fails or
    // exits then is replaced by the next batch (a batch under way handles its own worker's end).
    worker.on("error", () => undefined);
    worker.once("exit", () => {
      if (this.worker === worker) this.worker = undefined;
    });
    return worker;
  }

  private async runBatch(items: readonly EvaluationItem[]): Promise<EvaluationOutcome[]> {
    const outcomes: EvaluationOutcome[] = [];
    while (outcomes.length < items.length) {
      const start = outcomes.length;
      const batch = items.slice(start);
      const worker = (this.worker ??= this.spawn());
      const progress = this.progress;
      Atomics.store(progress, 0, 0);
      const answer = await new Promise<{ outcomes: EvaluationOutcome[] } | { failure: EvaluationOutcome; at: number }>((resolve) => {
        const stopped = (): EvaluationOutcome => ({ ok: false, reason: "timeout", message: `evaluation did not finish within ${this.limits.timeoutMs} ms and was stopped` });
        // Which evaluation failed is read when it is found to (a timeout: the one found overdue, not
        // the one the worker may have moved on to since), as 1 + its index in the batch.
        const failedAt = (failure: EvaluationOutcome, at = Atomics.load(progress, 0)) => finish({ failure, at });
        // A backstop for the whole batch: starting the worker and loading the modules, then each evaluation.
        const timer = setTimeout(() => failedAt(stopped()), startupBoundMs + this.limits.timeoutMs * batch.length);
        let current = { index: 0, since: performance.now() };
        const watch = setInterval(() => {
          // The bound is per evaluation, and only evaluations count: a worker still starting or loading
          // its modules (progress 0, or the loading flag, slow on a busy machine) is not evaluating.
          const index = Atomics.load(progress, 0);
          if (index !== current.index || Atomics.load(progress, 1) === 1) current = { index, since: performance.now() };
          else if (index > 0 && performance.now() - current.since > this.limits.timeoutMs) failedAt(stopped(), index);
        }, Math.max(5, Math.min(100, this.limits.timeoutMs / 4)));
        const onMessage = (message: EvaluationOutcome[]) => finish({ outcomes: message });
        const onError = (error: Error) => failedAt({ ok: false, reason: "error", message: `the policy worker failed: ${error.message}` });
        const onExit = (code: number) => failedAt({ ok: false, reason: "error", message: `the policy worker exited (${code})` });
        const finish = (result: { outcomes: EvaluationOutcome[] } | { failure: EvaluationOutcome; at: number }) => {
          clearTimeout(timer);
          clearInterval(watch);
          worker.off("message", onMessage);
          worker.off("error", onError);
          worker.off("exit", onExit);
          resolve(result);
        };
        worker.on("message", onMessage);
        worker.on("error", onError);
        worker.on("exit", onExit);
        worker.postMessage(batch);
      });
      if ("outcomes" in answer) {
        outcomes.push(...answer.outcomes);
        continue;
      }
      // The evaluation in flight gets the failure; those before it finished, but their answers went
      // down with the worker, so they are run again by a fresh one.
      const failed = start + Math.max(0, answer.at - 1);
      const dead = this.worker;
      this.worker = undefined;
      await dead?.terminate();
      const rerun = failed > start ? await this.runBatch(items.slice(start, failed)) : [];
      outcomes.push(...rerun, answer.failure);
    }
    return outcomes;
  }
}
