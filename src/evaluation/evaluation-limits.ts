import { availableParallelism } from "node:os";
import { setFlagsFromString } from "node:v8";

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

/**
 * Threads started from now on begin with the young generation they would grow to (a semi-space is half
 * of `youngGenerationMiB`), so they need no growth (see holdHeapsForLargeRun). V8 reads the flag
 * when it sizes a new heap; it costs nothing at start (unlike a changed growth factor, below).
 */
export function startThreadsAtFullYoungGeneration(): void {
  setFlagsFromString(`--min-semi-space-size=${youngGenerationMiB / 2}`);
}

/**
 * Holds every thread's heap, the main thread's included, near what it keeps alive, for the rest of a
 * large run:
 * - the young generation stops growing. V8 doubles a young generation each time the objects surviving
 *   its collections add up to its size, so over a long run every busy thread ends at its largest: the
 *   CLI's main thread, which only lists and reads files, held 64 MB of young generation at the end of an
 *   18,000-file validate;
 * - the old generation grows in small steps. After a full collection V8 lets a heap grow to up to four
 *   times what survived it, so over a long run each thread settles well above its live data; at 25%
 *   (V8 still grows a heap by at least 8 MB at a time) the corpus ×16 peaked at about 250 MiB instead
 *   of 270, for 1–3% more CPU (medians of alternating runs).
 * Only for large runs: V8 keys its code cache by its flags, so code compiled after this call misses
 * Node's compile cache (a one-file validate took 85 ms longer when the first was set at start).
 */
export function holdHeapsForLargeRun(): void {
  setFlagsFromString("--semi-space-growth-factor=1");
  setFlagsFromString("--heap-growing-percent=25");
}
