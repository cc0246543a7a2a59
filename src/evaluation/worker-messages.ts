import type { RefusedPathError } from "../config/repo-reader.js";
import type { EvaluationJob, JobResult } from "./evaluation-types.js";

/** The main thread asks a worker to run a job, and answers the worker's host calls. */
export type ToWorker =
  | { type: "job"; id: number; job: EvaluationJob }
  | { type: "reply"; callId: number; ok: true; value: unknown }
  | { type: "reply"; callId: number; ok: false; message: string; refused?: { path: string; reason: RefusedPathError["reason"] } };

/** A worker asks the main thread for I/O, and finally answers its job. */
export type HostCall = { type: "call"; callId: number; method: "read" | "list" | "prefetch" | "changes" | "content" | "treePaths" | "treeRead"; args: unknown[] };
export type FromWorker =
  | HostCall
  | { type: "done"; id: number; result: JobResult }
  | { type: "failed"; id: number; message: string };
