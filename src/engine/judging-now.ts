/**
 * Where the judging says which file it is at, for whoever watches the thread: an evaluation's bounds
 * stop a thread from outside (terminated past its time, or dead past its memory), and only a mark it
 * left before can then say which file it was judging (see src/evaluation/judging-marks.ts). Nothing
 * watches unless a thread asks to; the judging's outcome never depends on it.
 */
export interface JudgingWatch {
  /** The thread's synchronous work is for `path` from now on; a path's first mark starts its clock. */
  now(path: string): void;
  /** `path` is judged: its clock is forgotten, and the mark cleared if it was on it. */
  done(path: string): void;
  /** The thread's work is for no file from now on (a wait, a step over the whole change). */
  nothing(): void;
}

let watcher: JudgingWatch | undefined;

/** Every mark from now on goes to `watch` (undefined: nobody watches). */
export function watchJudging(watch: JudgingWatch | undefined): void {
  watcher = watch;
}

/**
 * Called where work on a file starts or resumes after an await: files judged at once interleave on one
 * thread, so the work after an await may be another file's than the work before it.
 */
export function judgingNow(path: string): void {
  watcher?.now(path);
}

export function judgingDone(path: string): void {
  watcher?.done(path);
}

export function judgingNothing(): void {
  watcher?.nothing();
}
