import { setFlagsFromString } from "node:v8";
import { youngGenerationMiB } from "./evaluation-limits.js";

// V8's heap flags the CLI sets for the threads it starts, apart from the limits every thread imports:
// node:v8 and what it loads are a few modules no thread needs.

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
