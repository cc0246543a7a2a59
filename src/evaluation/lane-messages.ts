import type { RefusedPathError } from "../config/repo-reader.js";
import type { ChangeCrds, ScannedFile } from "../engine/change-crds.js";
import type { GitopsFacts } from "../engine/gitops-files.js";
import type { ReadChange, StreamedFile } from "../engine/judge-change.js";
import type { ControlPlaneSource } from "./evaluation-types.js";

/**
 * What a file lane starts with: enough to build the evaluation's plane and read files as it does, and
 * where it marks the file it is judging (`marks`, its slot `thread`; see judging-marks.ts).
 */
export interface LaneSetup {
  source: ControlPlaneSource;
  gitops: GitopsFacts;
  marks: SharedArrayBuffer;
  thread: number;
}

/**
 * The evaluation worker sends a lane files to look for CRDs in, then the change's CRDs, then files to
 * judge; and answers its reads.
 */
export type ToLane =
  | { type: "scan"; id: number; change: ReadChange }
  | { type: "crds"; crds: ChangeCrds | undefined }
  | { type: "judge"; id: number; change: ReadChange }
  | { type: "reply"; callId: number; ok: true; value: unknown }
  | { type: "reply"; callId: number; ok: false; message: string; refused?: { path: string; reason: RefusedPathError["reason"] } };

/** A lane asks for the evaluation's files and compiled policies, and answers each file it judged. */
export type FromLane =
  | { type: "call"; callId: number; method: "read" | "list" | "compile"; args: unknown[] }
  | { type: "scanned"; id: number; scanned: ScannedFile }
  | { type: "judged"; id: number; file: StreamedFile }
  | { type: "failed"; message: string };
