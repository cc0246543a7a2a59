import { availableParallelism } from "node:os";

/** The bounds every evaluation runs under. */
export interface EvaluationLimits {
  /** Wall-clock bound of one evaluation's own work (time spent waiting for the host's I/O excluded). */
  timeoutMs: number;
  /** Heap bound of one worker (V8's old generation), in MiB. */
  memoryMiB: number;
  /** How many evaluations run at once, each in its own worker. */
  workers: number;
}

/** More workers than this only multiplies the memory a burst can take; the queue absorbs the rest. */
const maxDefaultWorkers = 4;

export const defaultEvaluationLimits = (): EvaluationLimits => ({
  timeoutMs: 60_000,
  memoryMiB: 512,
  workers: Math.max(1, Math.min(availableParallelism(), maxDefaultWorkers)),
});

export const evaluationEnv = {
  timeout: "GITGATE_EVALUATION_TIMEOUT_SECONDS",
  memory: "GITGATE_EVALUATION_MEMORY_MIB",
  workers: "GITGATE_EVALUATION_WORKERS",
} as const;

/**
 * The bounds from the environment (server and CLI alike), with the problems found. Every variable is
 * optional; a bad value is reported, never silently replaced.
 */
export function readEvaluationLimits(env: NodeJS.ProcessEnv): { limits: EvaluationLimits; problems: string[] } {
  const limits = defaultEvaluationLimits();
  const problems: string[] = [];
  const number = (name: string, min: number, max: number, apply: (value: number) => void) => {
    const text = env[name];
    if (text === undefined || text === "") return;
    const value = Number(text);
    if (!Number.isFinite(value) || value < min || value > max) problems.push(`${name} must be a number from ${min} to ${max}`);
    else apply(value);
  };
  number(evaluationEnv.timeout, 0.01, 3600, (v) => (limits.timeoutMs = v * 1000));
  number(evaluationEnv.memory, 64, 16384, (v) => (limits.memoryMiB = Math.round(v)));
  number(evaluationEnv.workers, 1, 64, (v) => (limits.workers = Math.round(v)));
  return { limits, problems };
}

/**
 * The young generation of every evaluation thread, in MiB. Parsing makes a great many short-lived
 * objects; with Node 24's default young generation each thread held well over 100 MB more than it
 * needed (corpus once: 330 MB peak with one thread, 195 MB with this), for no measurable speed.
 */
export const youngGenerationMiB = 16;
