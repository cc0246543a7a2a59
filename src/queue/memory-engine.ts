import type { Logger } from "pino";
import { WorkQueue } from "../app/work-queue.js";
import { jobContext, type JobData } from "./job-data.js";
import { defaultPacedConcurrency, duplicateWindowMs, type JobEngine, type JobRunner } from "./job-engine.js";
import type { PeriodicSweep } from "./periodic-sweep.js";

// A job here dies with its process, and no other attempt follows: nothing to hand on.
const noNotes = async () => undefined;

export interface MemoryEngineOptions {
  concurrency: number;
  /** Jobs of the paced lane (JobData.lane) run at once, beside the others (default 16). */
  pacedConcurrency?: number;
  /** Per lane. */
  maxPending: number;
  log: Logger;
  onDepth?: (depth: number) => void;
  /** How long the first run of a sweep may hold up start (readiness); it goes on in the background after. */
  firstSweepWaitMs?: number;
}

/**
 * The embedded engine: jobs wait and run in this process (a WorkQueue per lane), duplicates are remembered here,
 * sweeps run on timers. Work accepted but not finished is lost with the process; the reconcile sweep
 * of the next start finds the PRs it left without a verdict.
 */
export class MemoryEngine implements JobEngine {
  private readonly queue: WorkQueue;
  private readonly paced: WorkQueue;
  private readonly seen = new Map<string, number>();
  private readonly timers: NodeJS.Timeout[] = [];
  private run: JobRunner | undefined;
  private closed = false;

  constructor(private readonly options: MemoryEngineOptions) {
    const onDepth = options.onDepth && (() => options.onDepth!(this.depth));
    const lane = (concurrency: number) => new WorkQueue({ concurrency, maxPending: options.maxPending, log: options.log, ...(onDepth ? { onDepth } : {}) });
    this.queue = lane(options.concurrency);
    this.paced = lane(options.pacedConcurrency ?? defaultPacedConcurrency);
  }

  async submit(job: JobData): Promise<boolean> {
    if (this.closed) throw new Error("shutting down: not accepting work");
    if (!this.firstDelivery(job.delivery, job.key)) return false;
    // A full queue refuses the job: the webhook fails (GitHub shows it and can deliver it again) rather
    // than being answered for work that will never run.
    if (!(job.lane === "paced" ? this.paced : this.queue).push({ key: job.key, context: jobContext(job), run: () => this.run!(job, noNotes) })) {
      this.seen.delete(`${job.delivery}\u0000${job.key}`);
      throw new Error("the work queue is full: job refused");
    }
    return true;
  }

  private firstDelivery(delivery: string, key: string): boolean {
    const now = Date.now();
    for (const [id, at] of this.seen) {
      if (now - at < duplicateWindowMs) break;
      this.seen.delete(id);
    }
    const id = `${delivery}\u0000${key}`;
    if (this.seen.has(id)) return false;
    this.seen.set(id, now);
    return true;
  }

  async superseded(key: string): Promise<boolean> {
    return this.queue.hasWaiting(key) || this.paced.hasWaiting(key);
  }

  async pending(key: string): Promise<boolean> {
    return this.queue.has(key) || this.paced.has(key);
  }

  async start(run: JobRunner): Promise<void> {
    this.run = run;
  }

  async schedule(sweep: PeriodicSweep): Promise<void> {
    let running: Promise<void> | undefined;
    const tick = () => {
      // A sweep still running when its next turn comes is not started twice.
      running ??= sweep.run().catch((error: unknown) => this.options.log.warn({ sweep: sweep.name, err: error }, "sweep failed")).finally(() => (running = undefined));
      return running;
    };
    const first = tick();
    if (sweep.intervalMs > 0) {
      const timer = setInterval(() => void tick(), sweep.intervalMs);
      timer.unref();
      this.timers.push(timer);
    }
    await Promise.race([first, new Promise((resolve) => setTimeout(resolve, this.options.firstSweepWaitMs ?? 10_000).unref())]);
  }

  healthy(): boolean {
    return !this.closed;
  }

  async onIdle(): Promise<void> {
    // A job of one lane may submit one to the other (a PR's job, its preview comment) before it ends.
    while (this.depth > 0) await Promise.all([this.queue.onIdle(), this.paced.onIdle()]);
  }

  get depth(): number {
    return this.queue.depth + this.paced.depth;
  }

  async close(graceMs: number): Promise<void> {
    this.closed = true;
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await Promise.race([this.onIdle(), new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
  }
}
