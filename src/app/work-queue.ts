import type { Logger } from "pino";

export interface Job {
  /** Jobs with the same key coalesce: the newest replaces one that has not started. */
  key: string;
  /** Logged with every line about this job. */
  context: Record<string, unknown>;
  run(): Promise<void>;
}

export interface WorkQueueOptions {
  concurrency: number;
  /** Beyond this many waiting keys, new work is refused (and logged) rather than exhausting memory. */
  maxPending: number;
  log: Logger;
  /** Called whenever the number of waiting and running jobs changes (for metrics). */
  onDepth?: (depth: number) => void;
}

/**
 * Runs webhook work after the webhook was answered. Per key (a PR, a merge group) there is at most one
 * job running and one waiting; a newer job replaces the waiting one, so a burst of pushes to a PR
 * costs one evaluation of its newest head, not one per push. Jobs of different keys run concurrently.
 */
export class WorkQueue {
  private readonly waiting = new Map<string, Job>();
  private readonly running = new Set<string>();
  private idle: (() => void)[] = [];

  constructor(private readonly options: WorkQueueOptions) {}

  get depth(): number {
    return this.waiting.size + this.running.size;
  }

  push(job: Job): boolean {
    if (!this.waiting.has(job.key) && this.waiting.size >= this.options.maxPending) {
      this.options.log.error({ ...job.context, pending: this.waiting.size }, "work queue full: job refused");
      return false;
    }
    if (this.waiting.has(job.key)) this.options.log.debug({ ...job.context }, "coalesced with a waiting job");
    // Delete first so the key moves to the back: the newest job waits its turn behind others.
    this.waiting.delete(job.key);
    this.waiting.set(job.key, job);
    this.changed();
    this.pump();
    return true;
  }

  /** A job with this key is waiting (not running): it replaces anything a running one would publish for the newest state. */
  hasWaiting(key: string): boolean {
    return this.waiting.has(key);
  }

  /** A job with this key is waiting or running. */
  has(key: string): boolean {
    return this.waiting.has(key) || this.running.has(key);
  }

  /** Resolves when nothing is waiting or running (tests, graceful shutdown). */
  onIdle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    for (const [key, job] of this.waiting) {
      if (this.running.size >= this.options.concurrency) return;
      if (this.running.has(key)) continue;
      this.waiting.delete(key);
      this.running.add(key);
      void this.execute(job);
    }
  }

  private async execute(job: Job): Promise<void> {
    const started = performance.now();
    try {
      await job.run();
    } catch (error) {
      this.options.log.error({ ...job.context, err: error }, "job failed");
    } finally {
      this.running.delete(job.key);
      this.options.log.debug({ ...job.context, ms: Math.round(performance.now() - started) }, "job done");
      this.changed();
      this.pump();
      if (this.depth === 0) for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  private changed(): void {
    this.options.onDepth?.(this.depth);
  }
}
