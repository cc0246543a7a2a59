/**
 * Work the App does on a schedule rather than on a webhook: asking GitHub to redeliver missed
 * deliveries, reconciling open PRs without a verdict, checking branch protection. A sweep is given to
 * the job engine, which runs it at start and then every `intervalMs`, on one replica at a time.
 */
export interface PeriodicSweep {
  /** Stable across restarts and replicas (the Redis engine schedules it by this name). */
  name: string;
  intervalMs: number;
  run(): Promise<void>;
}
