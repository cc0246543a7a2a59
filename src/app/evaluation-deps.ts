import type { Logger } from "pino";
import type { Report } from "../engine/report.js";
import type { EvaluationPool } from "../evaluation/evaluation-pool.js";
import type { GitHub, RepoRef } from "../github/github-types.js";
import type { StartedRun } from "../github/publish-check-run.js";

/** What a use case needs from the outside world; the app wires it, tests may vary it. */
export interface EvaluationDeps {
  github: GitHub;
  repo: RepoRef;
  appId: number;
  /** Where evaluations run: worker threads, bounded in time and memory. */
  pool: EvaluationPool;
  /** Today as YYYY-MM-DD (exception expiry). */
  today: () => string;
  log: Logger;
  /** An evaluation still running after this long marks its check run in progress (default 1 s). */
  inProgressAfterMs?: number;
  /** True when a newer job for the same PR is already waiting (it will publish what speaks for the newest head). */
  superseded?: () => boolean | Promise<boolean>;
  /** A check run an earlier attempt of this job marked in progress before its replica died. */
  interruptedRun?: StartedRun | undefined;
  /** Told when this attempt marks a check run in progress, to hand on if it dies. */
  onRunStarted?: (run: StartedRun) => Promise<void>;
  /** Told about every finished evaluation (metrics). */
  onEvaluated?: (report: Report | undefined, seconds: number) => void;
}
