import type { RepoRef } from "../github/github-types.js";

/**
 * One unit of webhook work as plain data: which kind of job, for which repository and installation,
 * with the kind's own arguments. Nothing in it refers to this process, so a job stored in Redis runs
 * on whichever replica takes it; the runner for its kind turns it into GitHub calls.
 */
export interface JobData {
  kind: string;
  /**
   * Jobs with the same key coalesce and never run at the same time: a PR, a merge-group head, a
   * pushed commit. A job reads the newest state of its subject when it starts, so a waiting job
   * already covers whatever a newer delivery asks for.
   */
  key: string;
  /** The webhook delivery (or sweep) that asked for it: logged, and used to recognise duplicates. */
  delivery: string;
  event: string;
  repo: RepoRef;
  installation: number;
  args: Record<string, unknown>;
  /**
   * What a job hands on to the next one beyond its arguments, not logged: a PR's job gives the approval
   * job it starts what validation found (an approval scope may list thousands of paths).
   */
  carried?: Record<string, unknown>;
  /**
   * Where the job waits for a slot: beside evaluations and verdicts (unset), or in the paced lane, for
   * jobs whose time is mostly GitHub's spacing of content-creating writes (a new comment, three write
   * spacings apart per installation). The lane has slots of its own, so such a job never holds one an
   * evaluation needs. Keys never repeat across lanes.
   */
  lane?: "paced";
  /**
   * Per key, the newest job's `carried` data is what runs, even when an older job is already waiting:
   * for a job that carries what it publishes instead of reading the newest state when it starts. In
   * the process a newer job replaces the waiting one anyway; with Redis (where a waiting job drops a
   * newer one) `carried` is kept beside the queue under the key, newest wins, and the job reads it
   * when it starts.
   */
  newestCarried?: boolean;
  /** What an earlier attempt of this job wrote before its replica died (stored with the job in Redis). */
  notes?: JobNotes;
}

/**
 * Writes a job makes before its result, which the attempt that takes the job up after a crash must
 * finish: a check run marked in progress on a head the PR may since have left.
 */
export interface JobNotes {
  startedRun?: { id: number; headSha: string };
}

/** What every log line about a job carries. */
export function jobContext(job: JobData): Record<string, unknown> {
  return { delivery: job.delivery, event: job.event, repo: `${job.repo.owner}/${job.repo.repo}`, job: job.kind, ...job.args };
}
