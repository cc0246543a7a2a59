import { randomUUID } from "node:crypto";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import { jobContext, type JobData } from "./job-data.js";
import { defaultPacedConcurrency, duplicateWindowMs, type JobEngine, type JobRunner } from "./job-engine.js";
import type { PeriodicSweep } from "./periodic-sweep.js";

export interface RedisEngineOptions {
  url: string;
  /** Jobs this replica runs at once. */
  concurrency: number;
  /** Jobs of the paced lane (JobData.lane) this replica runs at once, beside the others (default 16). */
  pacedConcurrency?: number;
  log: Logger;
  /**
   * A job whose replica stopped renewing its lock for this long is taken up again by another replica
   * (BullMQ's stalled-job recovery). The lock is renewed every half of it while the job runs.
   */
  lockMs?: number;
  onDepth?: (depth: number) => void;
}

const jobsQueue = "gitgate-jobs";
const pacedQueue = "gitgate-paced";
const sweepsQueue = "gitgate-sweeps";
const prefix = "gitgate";

/**
 * The shared engine, on BullMQ: every replica submits to and takes from the same Redis queue.
 * - A job is stored before the webhook is answered; a replica that dies mid-job stops renewing its
 *   lock, and BullMQ moves the job back to waiting for another replica (stalled-job recovery).
 * - Per key (a PR): BullMQ's deduplication with `keepLastIfActive` keeps at most one job active and
 *   one waiting; a newer job while one waits is dropped (the waiting one reads the newest state), a
 *   newer job while one runs waits for it. So one replica at a time writes for a PR.
 * - Deliveries are remembered in Redis (SET NX with the duplicate window), whichever replica got them.
 * - Sweeps are BullMQ job schedulers: one job per interval, taken by one replica.
 * - Paced jobs (JobData.lane) wait and run in a queue of their own, with slots of their own.
 * - A job whose `carried` data the newest must win (JobData.newestCarried: a preview comment's body)
 *   keeps it beside the queue, under its key (`gitgate:carried:<key>`, a hash with a stamp, a day at
 *   most): each submit overwrites it, so a waiting job that drops a newer one runs with the newer
 *   data. The job reads it when it starts and deletes it after, unless a newer submit replaced it
 *   meanwhile (that one's job then runs next and reads it; a job that finds nothing left was
 *   published by the one before it). Its BullMQ job data is then a few hundred bytes, the carried
 *   data (a rendered comment, up to GitHub's 65,536 characters) one value per PR while it waits.
 */
export class RedisEngine implements JobEngine {
  private readonly producer: Redis;
  private readonly queue: Queue;
  private readonly paced: Queue;
  private readonly sweepQueue: Queue;
  private readonly workers: Worker[] = [];
  private readonly sweeps = new Map<string, PeriodicSweep>();
  private readonly connections: Redis[] = [];
  private running = 0;

  private constructor(private readonly options: RedisEngineOptions, producer: Redis) {
    this.producer = producer;
    this.queue = new Queue(jobsQueue, { connection: producer, prefix });
    this.paced = new Queue(pacedQueue, { connection: producer, prefix });
    this.sweepQueue = new Queue(sweepsQueue, { connection: producer, prefix });
    // Connection trouble is already logged (and shown by readiness); without listeners BullMQ prints it.
    for (const queue of [this.queue, this.paced, this.sweepQueue]) queue.on("error", () => undefined);
  }

  /** Connects to Redis; fails (and the server does not start) when Redis cannot be reached in time. */
  static async connect(options: RedisEngineOptions, timeoutMs = 15_000): Promise<RedisEngine> {
    // Submitting must fail at once while Redis is away (no offline queue): the webhook then gets a 5xx.
    const producer = new Redis(options.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true, connectTimeout: 5000 });
    producer.on("error", (error: Error) => options.log.warn({ err: error.message }, "Redis connection error"));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await producer.connect();
        break;
      } catch (error) {
        if (Date.now() > deadline) {
          producer.disconnect();
          throw new Error(`cannot reach Redis at REDIS_URL: ${(error as Error).message}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    return new RedisEngine(options, producer);
  }

  async submit(job: JobData): Promise<boolean> {
    const seen = `${prefix}:delivery:${job.delivery}:${job.key}`;
    if ((await this.producer.set(seen, "1", "PX", duplicateWindowMs, "NX")) !== "OK") return false;
    try {
      let data = job;
      if (job.newestCarried) {
        const { carried, ...rest } = job;
        const stamp = randomUUID();
        const key = carriedKey(job.key);
        await this.producer.multi().del(key).hset(key, { stamp, carried: JSON.stringify(carried ?? {}) }).pexpire(key, carriedTtlMs).exec();
        data = rest;
      }
      await (job.lane === "paced" ? this.paced : this.queue).add(job.kind, data, {
        deduplication: { id: job.key, keepLastIfActive: true },
        removeOnComplete: { age: 3600, count: 1000 },
        removeOnFail: { age: 24 * 3600, count: 1000 },
      });
      return true;
    } catch (error) {
      // Not stored: GitHub's redelivery of this delivery must be work again.
      await this.producer.del(seen).catch(() => undefined);
      throw error;
    }
  }

  async superseded(key: string): Promise<boolean> {
    // keepLastIfActive keeps the job waiting behind a running one under this key (BullMQ's "dn:" hash).
    // Only an optimisation: when wrong, the preview comment is written once more, in place.
    return (await this.producer.exists(this.queue.toKey(`dn:${key}`), this.paced.toKey(`dn:${key}`)).catch(() => 0)) > 0;
  }

  async pending(key: string): Promise<boolean> {
    // BullMQ's deduplication key ("de:") lives from the job's submission until the last job under it ends.
    return (await this.producer.exists(this.queue.toKey(`de:${key}`), this.paced.toKey(`de:${key}`))) > 0;
  }

  async start(run: JobRunner): Promise<void> {
    const lockDuration = this.options.lockMs ?? 30_000;
    for (const [name, concurrency] of [[jobsQueue, this.options.concurrency], [pacedQueue, this.options.pacedConcurrency ?? defaultPacedConcurrency]] as const) {
      const worker = new Worker<JobData>(name, async (job) => {
        this.changed(+1);
        try {
          await this.runJob(job.data, run, (notes) => job.updateData({ ...job.data, notes: { ...job.data.notes, ...notes } }));
        } catch (error) {
          // Logged, not retried: a job that fails closed has published its failure; the reconcile sweep covers the rest.
          this.options.log.error({ ...jobContext(job.data), err: error }, "job failed");
        } finally {
          this.changed(-1);
        }
      }, { connection: this.workerConnection(), prefix, concurrency, lockDuration, stalledInterval: lockDuration, maxStalledCount: 3 });
      worker.on("error", (error) => this.options.log.warn({ err: error.message }, "job worker error"));
      worker.on("stalled", (id) => this.options.log.warn({ job: id }, "a replica stopped while running a job: taken up again"));
      this.workers.push(worker);
    }
    const sweeper = new Worker(sweepsQueue, async (job) => {
      const sweep = this.sweeps.get(job.name);
      if (!sweep) return this.options.log.warn({ sweep: job.name }, "unknown sweep: skipped");
      await sweep.run();
    }, { connection: this.workerConnection(), prefix, concurrency: 1, lockDuration: 60_000, stalledInterval: 60_000 });
    sweeper.on("error", (error) => this.options.log.warn({ err: error.message }, "sweep worker error"));
    sweeper.on("failed", (job, error) => this.options.log.warn({ sweep: job?.name, err: error.message }, "sweep failed"));
    this.workers.push(sweeper);
  }

  /** Runs a job, with the newest carried data when it keeps it beside the queue (see the class). */
  private async runJob(job: JobData, run: JobRunner, note: Parameters<JobRunner>[1]): Promise<void> {
    if (!job.newestCarried) return run(job, note);
    const key = carriedKey(job.key);
    const [stamp, carried] = await this.producer.hmget(key, "stamp", "carried");
    if (!stamp || !carried) return this.options.log.debug(jobContext(job), "published by the job before it");
    try {
      await run({ ...job, carried: JSON.parse(carried) as Record<string, unknown> }, note);
    } finally {
      // Only what this job ran: a newer submit's data stays for its own job.
      await this.producer.eval(deleteIfStamp, 1, key, stamp);
    }
  }

  async schedule(sweep: PeriodicSweep): Promise<void> {
    this.sweeps.set(sweep.name, sweep);
    const opts = { removeOnComplete: true, removeOnFail: 100 };
    if (sweep.intervalMs > 0) {
      // One scheduler per sweep, shared by every replica: one job per interval, run by one of them.
      await this.sweepQueue.upsertJobScheduler(sweep.name, { every: sweep.intervalMs }, { name: sweep.name, opts });
    }
    // At start, once, whichever replica gets it (a sweep already waiting absorbs this one).
    await this.sweepQueue.add(sweep.name, {}, { ...opts, deduplication: { id: `start:${sweep.name}` } });
  }

  healthy(): boolean {
    return this.producer.status === "ready";
  }

  /** Nothing waiting or running in the shared queue, nor here (tests). */
  async onIdle(): Promise<void> {
    for (;;) {
      const counts = await Promise.all([this.queue, this.paced].map((queue) => queue.getJobCounts("waiting", "active", "delayed", "prioritized")));
      if (this.running === 0 && counts.every((c) => Object.values(c).every((n) => n === 0))) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(graceMs: number): Promise<void> {
    // Running jobs finish within the grace; the rest stay in Redis for the other replicas. A job still
    // running after it is abandoned: its lock lapses and another replica takes it up. With Redis away,
    // nothing here may wait for it: every step is bounded.
    const within = <T>(promise: Promise<T>, ms: number) => Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref())]);
    if (!(await within(Promise.all(this.workers.map((w) => w.close())), graceMs))) await within(Promise.all(this.workers.map((w) => w.close(true))), 2000);
    await within(Promise.all([this.queue.close(), this.paced.close(), this.sweepQueue.close()]), 2000);
    for (const connection of [...this.connections, this.producer]) {
      if (connection.status !== "ready" || !(await within(connection.quit(), 1000))) connection.disconnect();
    }
  }

  private workerConnection(): Redis {
    // BullMQ's blocking reads need a connection of their own that retries forever.
    const connection = new Redis(this.options.url, { maxRetriesPerRequest: null });
    connection.on("error", () => undefined);
    this.connections.push(connection);
    return connection;
  }

  private changed(delta: number): void {
    this.running += delta;
    this.options.onDepth?.(this.running);
  }
}

/** Carried data a newer job must replace: kept a day at most, as long as failed jobs. */
const carriedTtlMs = 24 * 3600_000;
const carriedKey = (key: string) => `${prefix}:carried:${key}`;
const deleteIfStamp = `if redis.call("HGET", KEYS[1], "stamp") == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`;
