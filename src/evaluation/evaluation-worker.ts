// A long-lived evaluation worker: runs one job at a time, and keeps what it compiled (Rego modules by
// digest, Kubernetes validators) for the next job. Its reads go to the main thread, which does the I/O.
import { parentPort } from "node:worker_threads";
import { RefusedPathError } from "../config/repo-reader.js";
import type { FileContent } from "../engine/change-set.js";
import { judgingNothing, watchJudging } from "../engine/judging-now.js";
import type { CompileRego } from "../engine/policy/policy-types.js";
import type { EvaluationRoute, EvaluationJob } from "./evaluation-types.js";
import type { HostCall, ToWorker } from "./worker-messages.js";
import { runEvaluationJob } from "./run-evaluation-job.js";
import { fileLaneOpener, LaneError } from "./file-lanes.js";
import { judgingMarker } from "./judging-marks.js";
import { lowerThreadPriority } from "./lower-priority.js";
import { keepCompiledCode } from "./thread-code-cache.js";

lowerThreadPriority();

const port = parentPort!;
// The compiler is loaded with the first policy it compiles: a validate with schemas only never runs
// OPA, and the compiler's modules (child processes among them) were a few ms of every start.
let compiler: Promise<CompileRego> | undefined;
const compileRego: CompileRego = async (...args) => (await (compiler ??= import("../opa/compile-rego.js").then((m) => m.createRegoCompiler())))(...args);
const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
let nextCall = 0;

function call(method: HostCall["method"], args: unknown[]): Promise<unknown> {
  const callId = nextCall++;
  return new Promise((resolve, reject) => {
    pending.set(callId, { resolve, reject });
    port.postMessage({ type: "call", callId, method, args } satisfies HostCall);
  });
}

async function run(id: number, job: EvaluationJob, lanes: { count: number; memoryMiB: number }, marks: SharedArrayBuffer): Promise<void> {
  watchJudging(judgingMarker(marks, 0));
  try {
    const result = await runEvaluationJob(job, {
      read: (path) => call("read", [path]) as Promise<string | undefined>,
      list: (path) => call("list", [path]) as Promise<string[]>,
      prefetch: (paths, folders, change) => call("prefetch", change ? [paths, folders, change] : [paths, folders]) as Promise<void>,
      changes: (route: EvaluationRoute) => call("changes", [route]) as ReturnType<NonNullable<Parameters<typeof runEvaluationJob>[1]["changes"]>>,
      contents: (paths) => call("contents", [paths]) as Promise<(FileContent | undefined)[]>,
      treePaths: (commit) => call("treePaths", [commit]) as Promise<string[]>,
      treeRead: (commit, paths) => call("treeRead", [commit, paths]) as Promise<[string, FileContent | undefined][]>,
      treeReadBinary: (commit, paths) => call("treeReadBinary", [commit, paths]) as Promise<[string, Uint8Array | undefined][]>,
    }, compileRego, fileLaneOpener(lanes.count, lanes.memoryMiB, marks));
    // Before the answer: a CLI exits as soon as it has it.
    keepCompiledCode();
    port.postMessage({ type: "done", id, result });
  } catch (error) {
    port.postMessage({ type: "failed", id, message: (error as Error).message ?? String(error), ...(error instanceof LaneError ? { reason: error.reason } : {}) });
  } finally {
    judgingNothing();
    watchJudging(undefined);
  }
}

port.on("message", (message: ToWorker) => {
  if (message.type === "job") {
    void run(message.id, message.job, message.lanes, message.marks);
    return;
  }
  const waiting = pending.get(message.callId);
  pending.delete(message.callId);
  if (message.ok) waiting?.resolve(message.value);
  else waiting?.reject(message.refused ? new RefusedPathError(message.refused.path, message.refused.reason) : new Error(message.message));
});
