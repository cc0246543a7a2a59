import { Worker } from "node:worker_threads";
import { youngGenerationMiB, type EvaluationLimits } from "./evaluation-limits.js";

// From source (tests, tsx) the worker is the .ts file, loaded through tsx so its `.js` imports resolve
// to the engine's .ts files; from dist it is plain JavaScript.
const fromSource = import.meta.url.endsWith(".ts");
// Resolved from here, not from the current folder: the CLI may run in any folder of any repository.
const workerExecArgv = fromSource ? ["--import", import.meta.resolve("tsx")] : undefined;

/**
 * An evaluation worker within `limits`' heap bound, not keeping the process alive until it is given a
 * job (see EvaluationPool). `file`: the CLI's bundled worker, when the CLI starts one before its own code
 * has loaded (bin.ts); by default the one beside this module, found only when it is used: the CLI's
 * entry has this module built into it, in another folder (scripts/bundle-cli.ts).
 */
export function startEvaluationWorker(limits: EvaluationLimits, file = new URL(fromSource ? "./evaluation-worker.ts" : "./evaluation-worker.js", import.meta.url)): Worker {
  const worker = new Worker(file, {
    ...(workerExecArgv ? { execArgv: workerExecArgv } : {}),
    resourceLimits: { maxOldGenerationSizeMb: limits.memoryMiB, maxYoungGenerationSizeMb: youngGenerationMiB },
  });
  worker.unref();
  return worker;
}

/**
 * A worker started before the code that will use it has loaded (the CLI's bin.ts), taken by calling
 * the function returned. One that failed meanwhile is not handed on: its error had nobody to hear it, so
 * the pool starts another, whose failure it does hear.
 */
export function holdEarly(worker: Worker): () => Worker | undefined {
  let ended = false;
  const end = () => (ended = true);
  worker.once("error", end).once("exit", end);
  return () => {
    worker.off("error", end).off("exit", end);
    return ended ? undefined : worker;
  };
}
