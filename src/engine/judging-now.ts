/**
 * Where the judging says which file it is at, for whoever watches the thread: an evaluation's bounds
 * stop a thread from outside (terminated past its time, or dead past its memory), and only a mark it
 * left before can then say which file it was judging (see src/evaluation/judging-marks.ts). Nothing
 * watches unless a thread asks to; the judging's outcome never depends on it.
 */
let watcher: ((path: string | undefined) => void) | undefined;

/** Every mark from now on goes to `watch` (undefined: nobody watches). */
export function watchJudging(watch: ((path: string | undefined) => void) | undefined): void {
  watcher = watch;
}

/**
 * This thread's synchronous work is for `path` from now on (undefined: for no file). Called where
 * work on a file starts or resumes after an await: files judged at once interleave on one thread.
 */
export function judgingNow(path: string | undefined): void {
  watcher?.(path);
}
