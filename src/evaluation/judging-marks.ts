import type { JudgingWatch } from "../engine/judging-now.js";

/**
 * Which file each thread of an evaluation is judging, kept in memory the threads share with the main
 * thread. A bound stops a thread from outside: terminated past its time, or dead past its memory. Its
 * messages cannot say anything then, but the mark it left before still can, so the failure names the
 * file (and for how long it had been at it) rather than leaving a user to guess which of a thousand.
 *
 * One slot per thread (the evaluation worker is 0, its file lanes 1 and up): since when the file has
 * been judged (ms since the epoch), the length of its path in bytes (0: no file), and the path's
 * UTF-8 bytes.
 */
const slotBytes = 1024;
const headerBytes = 16;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function createJudgingMarks(threads: number): SharedArrayBuffer {
  return new SharedArrayBuffer(Math.max(1, threads) * slotBytes);
}

/**
 * What `thread` marks (see JudgingWatch): the file its work is for, and since when that file has been
 * judged (its first mark: files judged at once take turns, and a file's age must not restart at each).
 * A watch per evaluation: its clocks are that evaluation's files'.
 */
export function judgingMarker(marks: SharedArrayBuffer, thread: number): JudgingWatch {
  const base = thread * slotBytes;
  const since = new Float64Array(marks, base, 1);
  const length = new Int32Array(marks, base + 8, 1);
  const bytes = new Uint8Array(marks, base + headerBytes, slotBytes - headerBytes);
  const started = new Map<string, number>();
  let current: string | undefined;
  const show = (path: string | undefined) => {
    if (path === current) return;
    current = path;
    Atomics.store(length, 0, 0);
    if (path === undefined) return;
    since[0] = started.get(path) ?? Date.now();
    // A path longer than the slot keeps its start (encodeInto writes whole characters only).
    const { read, written } = encoder.encodeInto(path, bytes);
    Atomics.store(length, 0, read < path.length ? -written : written);
  };
  return {
    now(path) {
      if (!started.has(path)) started.set(path, Date.now());
      show(path);
    },
    done(path) {
      started.delete(path);
      if (current === path) show(undefined);
    },
    nothing: () => show(undefined),
  };
}

export interface JudgingMark {
  path: string;
  /** How long the thread had been at it, in ms. */
  forMs: number;
}

/**
 * The mark `thread` left, if it was at a file. Read only once the thread is stopped: a running thread
 * may be rewriting it.
 */
export function judgingMark(marks: SharedArrayBuffer, thread: number, now = Date.now()): JudgingMark | undefined {
  if ((thread + 1) * slotBytes > marks.byteLength) return undefined;
  const base = thread * slotBytes;
  const stored = Atomics.load(new Int32Array(marks, base + 8, 1), 0);
  if (stored === 0) return undefined;
  const path = decoder.decode(new Uint8Array(marks, base + headerBytes, Math.abs(stored)).slice()) + (stored < 0 ? "…" : "");
  return { path, forMs: Math.max(0, now - new Float64Array(marks, base, 1)[0]!) };
}

/** The mark that has stood longest of all threads': the file a thread past the time bound is stuck on. */
export function longestJudgingMark(marks: SharedArrayBuffer): JudgingMark | undefined {
  const now = Date.now();
  let longest: JudgingMark | undefined;
  for (let thread = 0; thread * slotBytes < marks.byteLength; thread++) {
    const mark = judgingMark(marks, thread, now);
    if (mark && (!longest || mark.forMs > longest.forMs)) longest = mark;
  }
  return longest;
}

/** How a failure names the file: appended to the bound's message. */
export function whileJudging(mark: JudgingMark | undefined): string {
  if (!mark) return "";
  return `; it was judging ${JSON.stringify(mark.path)} (for ${(mark.forMs / 1000).toFixed(1)} s)`;
}
