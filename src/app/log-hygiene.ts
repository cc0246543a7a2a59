import type { DestinationStream, LogFn } from "pino";

/** Probot's request line for a probe that answered: `GET /healthz 200 - 1ms`. Probes every few seconds drown the log at info. */
const probeLine = /^GET \/(?:healthz|readyz|metrics)(?:\?\S*)? [23]\d\d /;

/** True for a request line that belongs at debug: a successful probe. A failing probe stays at info. */
export function isProbeLine(message: unknown): boolean {
  return typeof message === "string" && probeLine.test(message);
}

/**
 * A pino destination that writes each line with every key once. Pino writes a child's bindings after
 * its parent's and the call's fields after both, so `name` (Probot's `probot` → `http` children under
 * our `gitgate`) and job fields (`pr` bound to a job's logger and passed again) appeared twice, which
 * JSON tools read differently. The last value wins, as JSON.parse reads it: the most specific one.
 */
export function uniqueKeysDestination(write: (line: string) => void): DestinationStream {
  return {
    write(line: string) {
      try {
        write(JSON.stringify(JSON.parse(line)) + "\n");
      } catch {
        write(line); // never lose a line over its shape
      }
    },
  };
}

/** Re-issues a successful probe's request line at debug (pino's logMethod hook). */
export function probesAtDebug(this: { debug: LogFn }, args: Parameters<LogFn>, method: LogFn, level: number): void {
  if (level === 30 && isProbeLine(args[1])) {
    this.debug(...(args as [object, string]));
    return;
  }
  method.apply(this, args);
}
