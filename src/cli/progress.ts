/** Where progress goes: standard error, and only a terminal's. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Progress {
  /** How many files the run will judge, once known. */
  setTotal(total: number): void;
  /** One more file taken up. */
  advance(): void;
  /** Clears the line; call once the run is over. */
  done(): void;
}

const silent: Progress = { setTotal() {}, advance() {}, done() {} };
/** A quick run shows nothing: progress appears only once a run has taken this long. */
const delayMs = 1000;
const refreshMs = 100;

/**
 * "judging 1,234 of 5,000 files" on standard error, rewritten in place, for runs longer than a second
 * on a terminal. Never in a pipe or a CI log (CI set), where a rewritten line is noise.
 */
export function createProgress(stream: ProgressStream, env: NodeJS.ProcessEnv): Progress {
  if (stream.isTTY !== true || env.CI || env.TERM === "dumb") return silent;
  let total: number | undefined;
  let judged = 0;
  let shown = "";
  const draw = () => {
    if (total === undefined) return;
    const line = `gitgate: judging ${Math.min(judged, total).toLocaleString("en-US")} of ${total.toLocaleString("en-US")} files`;
    // Only what changed is written: a terminal log stays readable.
    if (line !== shown) stream.write(`\r\x1b[2K${line}`);
    shown = line;
  };
  let timer: NodeJS.Timeout | undefined;
  const start = setTimeout(() => {
    draw();
    timer = setInterval(draw, refreshMs);
    timer.unref();
  }, delayMs);
  start.unref();
  return {
    setTotal: (n) => void (total = n),
    advance: () => void judged++,
    done() {
      clearTimeout(start);
      clearInterval(timer);
      if (shown !== "") stream.write("\r\x1b[2K");
    },
  };
}
