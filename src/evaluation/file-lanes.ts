import { Worker } from "node:worker_threads";
import { RefusedPathError, type RepoReader } from "../config/repo-reader.js";
import type { LaneContext } from "../engine/evaluate-change-set.js";
import type { ScannedFile } from "../engine/change-crds.js";
import type { FileLanes, ReadChange, StreamedFile } from "../engine/judge-change.js";
import type { CompileRego } from "../engine/policy/policy-types.js";
import { evaluationEnv, youngGenerationMiB } from "./evaluation-limits.js";
import type { ControlPlaneSource } from "./evaluation-types.js";
import { judgingMark, whileJudging } from "./judging-marks.js";
import type { FromLane, LaneSetup, ToLane } from "./lane-messages.js";

// As the evaluation pool's worker: the .ts file through tsx from source, plain JavaScript from dist.
const fromSource = import.meta.url.endsWith(".ts");
const laneUrl = new URL(fromSource ? "./file-lane-worker.ts" : "./file-lane-worker.js", import.meta.url);
const laneExecArgv = fromSource ? ["--import", import.meta.resolve("tsx")] : undefined;

/** Why a lane stopped: the evaluation fails closed with this, as the pool would for its own worker. */
export class LaneError extends Error {
  override name = "LaneError";
  constructor(message: string, readonly reason: "memory" | "crashed") {
    super(message);
  }
}

export interface LaneRequest {
  source: ControlPlaneSource;
  context: LaneContext;
  /** Serves the lanes' reads: the evaluation's own reader, so every thread reads the same files. */
  reader: RepoReader;
  compileRego: CompileRego;
}

export type LaneOpener = (request: LaneRequest) => FileLanes | undefined;

/**
 * Files each lane may hold at once: one being judged and the next ones waiting, enough that it does not
 * run dry while the evaluation thread judges a large file itself (with 6, a lane idled 16% of the time).
 */
const depth = 12;

/**
 * Opens file lanes for an evaluation allowed `count` threads: the evaluation worker judges files
 * itself, and `count - 1` lanes, worker threads that each build the evaluation's control plane (through the
 * evaluation's reader and compiler, so it is the same plane) and judge the files they are sent, one at
 * a time. Each is bounded like an evaluation worker (heap `memoryMiB`); one that fails fails the
 * evaluation, naming the file it was judging (its mark in `marks`, see judging-marks.ts: lane i marks
 * slot i, the evaluation worker 0). Under two lanes there is nothing to gain: undefined, the files are judged in place.
 */
export function fileLaneOpener(count: number, memoryMiB: number, marks: SharedArrayBuffer): LaneOpener {
  return (request) => (count >= 2 ? openLanes(count, memoryMiB, marks, request) : undefined);
}

interface Lane {
  worker: Worker;
  pending: Map<number, { resolve(outcome: StreamedFile | ScannedFile): void; reject(error: Error): void }>;
}

function openLanes(count: number, memoryMiB: number, marks: SharedArrayBuffer, { source, context, reader, compileRego }: LaneRequest): FileLanes {
  let failure: Error | undefined;
  let closing = false;
  let nextId = 0;
  const lanes: Lane[] = [];
  const fail = (error: Error) => {
    failure ??= error;
    for (const lane of lanes) {
      for (const waiting of lane.pending.values()) waiting.reject(failure);
      lane.pending.clear();
    }
  };
  for (let i = 1; i < count; i++) {
    const setup: LaneSetup = { source, gitops: context.gitops, marks, thread: i };
    const worker = new Worker(laneUrl, { workerData: setup, ...(laneExecArgv ? { execArgv: laneExecArgv } : {}), resourceLimits: { maxOldGenerationSizeMb: memoryMiB, maxYoungGenerationSizeMb: youngGenerationMiB } });
    const lane: Lane = { worker, pending: new Map() };
    lanes.push(lane);
    const post = (message: ToLane) => worker.postMessage(message);
    worker.on("message", (message: FromLane) => {
      if (message.type === "judged" || message.type === "scanned") {
        const waiting = lane.pending.get(message.id);
        lane.pending.delete(message.id);
        waiting?.resolve(message.type === "judged" ? message.file : message.scanned);
      } else if (message.type === "failed") {
        fail(new Error(message.message));
      } else {
        // The lane's reads and compilations are the evaluation's own: answered from its reader.
        const work = message.method === "compile" ? compileRego(...(message.args as Parameters<CompileRego>)) : reader[message.method](message.args[0] as string);
        (work as Promise<unknown>).then(
          (value) => post({ type: "reply", callId: message.callId, ok: true, value }),
          (error: Error) => post({ type: "reply", callId: message.callId, ok: false, message: error.message, ...(error instanceof RefusedPathError ? { refused: { path: error.path, reason: error.reason } } : {}) }),
        );
      }
    });
    const judging = () => whileJudging(judgingMark(marks, i));
    worker.on("error", (error: Error & { code?: string }) => fail(error.code === "ERR_WORKER_OUT_OF_MEMORY"
      ? new LaneError(`the evaluation needed more than ${memoryMiB} MiB of memory and was stopped (${evaluationEnv.memory})${judging()}`, "memory")
      : new LaneError(`a file lane failed: ${error.message}${judging()}`, "crashed")));
    worker.on("exit", (code) => {
      if (!closing) fail(new LaneError(`a file lane exited (${code})${judging()}`, "crashed"));
    });
  }
  const send = <T extends StreamedFile | ScannedFile>(type: "judge" | "scan", change: ReadChange): Promise<T> => {
    if (failure) return Promise.reject(failure);
    // The least busy lane: files differ widely in size, so plain turns would leave one lane idle.
    const lane = lanes.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      lane.pending.set(id, { resolve: resolve as (outcome: StreamedFile | ScannedFile) => void, reject });
      lane.worker.postMessage({ type, id, change } satisfies ToLane);
    });
  };
  return {
    inFlight: (count - 1) * depth,
    hasRoom: () => lanes.some((lane) => lane.pending.size < depth),
    judge: (change) => send<StreamedFile>("judge", change),
    scan: (change) => send<ScannedFile>("scan", change),
    useCrds(crds) {
      for (const lane of lanes) lane.worker.postMessage({ type: "crds", crds } satisfies ToLane);
    },
    async close() {
      closing = true;
      await Promise.all(lanes.map((lane) => lane.worker.terminate()));
    },
  };
}
