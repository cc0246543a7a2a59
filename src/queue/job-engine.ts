import type { JobData, JobNotes } from "./job-data.js";
import type { PeriodicSweep } from "./periodic-sweep.js";

/**
 * Runs a job's work; the engine calls it on whichever replica takes the job. `note` keeps what the job
 * has written so far with the job itself, for the attempt after a crash (see JobNotes).
 */
export type JobRunner = (job: JobData, note: (notes: JobNotes) => Promise<void>) => Promise<void>;

/**
 * Where webhook work waits and runs: in this process (the default), or in Redis, shared by every
 * replica. Either way: per key, at most one job runs and one waits (newest wins); a delivery seen
 * twice is done once; sweeps run on one replica at a time. Jobs of the paced lane (JobData.lane) have
 * slots of their own.
 */
export interface JobEngine {
  /**
   * Accepts a job. Resolves once the job will run (with Redis: once stored; a webhook is answered only
   * then), to false when the same delivery already asked for this key within the duplicate window.
   * Rejects when the job cannot be accepted, so the webhook fails and GitHub shows it; the delivery
   * is then not remembered, so GitHub's redelivery is work again.
   */
  submit(job: JobData): Promise<boolean>;
  /** A newer job for this key is waiting: it publishes what speaks for the newest state. */
  superseded(key: string): Promise<boolean>;
  /** A job for this key is waiting or running, whichever replica took it. */
  pending(key: string): Promise<boolean>;
  /** Starts taking jobs. */
  start(run: JobRunner): Promise<void>;
  /** Runs the sweep at start and on its interval, on one replica at a time. */
  schedule(sweep: PeriodicSweep): Promise<void>;
  /** Able to accept work (readiness). */
  healthy(): boolean;
  /** Resolves when nothing this process took is waiting or running (tests). */
  onIdle(): Promise<void>;
  /** Stops taking work; lets running jobs finish (up to `graceMs`), hands the rest back. */
  close(graceMs: number): Promise<void>;
}

/**
 * Paced jobs (a new comment) mostly wait out GitHub's spacing of created content, one installation at
 * a time: this many per replica let several installations' comments go on at once.
 */
export const defaultPacedConcurrency = 16;

/** Deliveries are remembered this long to recognise GitHub's duplicates; a later redelivery is work again. */
export const duplicateWindowMs = 10 * 60_000;
