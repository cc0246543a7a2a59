import type { RefusedPathError } from "../config/repo-reader.js";
import type { EvaluationJob, JobResult } from "./evaluation-types.js";

/** The main thread asks a worker to run a job, and answers the worker's host calls. */
export type ToWorker =
  /**
   * `lanes`: how many threads may judge the files of a stream (file-lanes.ts), each bounded to `memoryMiB`.
   * `marks`: where each of those threads marks the file it is judging (judging-marks.ts), the worker first.
   */
  | { type: "job"; id: number; job: EvaluationJob; lanes: { count: number; memoryMiB: number }; marks: SharedArrayBuffer }
  | { type: "reply"; callId: number; ok: true; value: unknown }
  | { type: "reply"; callId: number; ok: false; message: string; refused?: { path: string; reason: RefusedPathError["reason"] } };

/** A worker asks the main thread for I/O, and finally answers its job. */
export type HostCall = { type: "call"; callId: number; method: "read" | "list" | "prefetch" | "changes" | "contents" | "treePaths" | "treeRead" | "treeReadBinary"; args: unknown[] };
export type FromWorker =
  | HostCall
  | { type: "done"; id: number; result: JobResult }
  /** `reason`: a bound a file lane hit, which fails the evaluation as the pool's own bounds do. */
  | { type: "failed"; id: number; message: string; reason?: "memory" | "crashed" };
