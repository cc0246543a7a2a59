// A file lane: builds the evaluation's control plane again (reading through the evaluation worker,
// which serves the very files it read) and judges the files of a stream it is sent, one at a time.
// See file-lanes.ts.
import { parentPort, workerData } from "node:worker_threads";
import { RefusedPathError } from "../config/repo-reader.js";
import { withChangeCrds, type ChangeCrds } from "../engine/change-crds.js";
import { gitopsContext } from "../engine/gitops-files.js";
import { watchJudging } from "../engine/judging-now.js";
import { fileJudgesOf, judgeStreamedFile, policyRunnerOf, scanStreamedFile, type ReadChange } from "../engine/judge-change.js";
import type { CompileRego } from "../engine/policy/policy-types.js";
import { alsoRedacted } from "../engine/secrets/also-redacted.js";
import { createSensitivity } from "../engine/secrets/sensitive-paths.js";
import { buildControlPlane } from "./build-control-plane.js";
import { judgingMarker } from "./judging-marks.js";
import type { FromLane, LaneSetup, ToLane } from "./lane-messages.js";
import { lowerThreadPriority } from "./lower-priority.js";
import { keepCompiledCode } from "./thread-code-cache.js";

lowerThreadPriority();

const port = parentPort!;
const setup = workerData as LaneSetup;
watchJudging(judgingMarker(setup.marks, setup.thread));
const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
let nextCall = 0;
const post = (message: FromLane) => port.postMessage(message);

function call(method: "read" | "list" | "compile", args: unknown[]): Promise<unknown> {
  const callId = nextCall++;
  return new Promise((resolve, reject) => {
    pending.set(callId, { resolve, reject });
    post({ type: "call", callId, method, args });
  });
}

const compileRego: CompileRego = (...args) => call("compile", args) as ReturnType<CompileRego>;

async function start() {
  const plane = await buildControlPlane(setup.source, {
    read: (path) => call("read", [path]) as Promise<string | undefined>,
    list: (path) => call("list", [path]) as Promise<string[]>,
  }, compileRego);
  const config = plane.config;
  // The evaluation worker judged the same plane sound before it opened lanes.
  if (!config || plane.configInvalid) throw new Error("the control plane read by a file lane differs from the evaluation's");
  const runner = policyRunnerOf(plane, config);
  const gitops = gitopsContext(setup.gitops);
  return {
    judges: fileJudgesOf(plane, config, gitops, runner),
    withCrds: (crds: ChangeCrds) => fileJudgesOf(withChangeCrds(plane, crds), config, gitops, runner),
    // Lanes judge a snapshot (the CLI's validate), which nothing renders.
    sensitivity: createSensitivity(config.preview.redact, alsoRedacted(undefined, setup.gitops)),
  };
}

// Files are looked at for CRDs by the plane alone; once the change's CRDs come, files are judged with them.
const ready = start();
let judging = ready;
// One file at a time, in the order sent: a lane is one CPU's worth of judging.
let queue: Promise<unknown> = Promise.resolve();

async function work(id: number, change: ReadChange, scan: boolean): Promise<void> {
  try {
    if (scan) {
      const { judges, sensitivity } = await ready;
      const scanned = await scanStreamedFile(change, judges, sensitivity);
      // Most of a stream is judged while it is looked at for CRDs: the kinds are loaded here.
      keepCompiledCode();
      post({ type: "scanned", id, scanned });
    } else {
      const { judges, sensitivity } = await judging;
      const file = await judgeStreamedFile(change, judges, sensitivity);
      keepCompiledCode();
      post({ type: "judged", id, file });
    }
  } catch (error) {
    post({ type: "failed", message: (error as Error).message ?? String(error) });
  }
}

port.on("message", (message: ToLane) => {
  if (message.type === "judge" || message.type === "scan") {
    queue = queue.then(() => work(message.id, message.change, message.type === "scan"));
    return;
  }
  if (message.type === "crds") {
    const { crds } = message;
    if (crds) judging = ready.then((lane) => ({ ...lane, judges: lane.withCrds(crds) }));
    return;
  }
  const waiting = pending.get(message.callId);
  pending.delete(message.callId);
  if (message.ok) waiting?.resolve(message.value);
  else waiting?.reject(message.refused ? new RefusedPathError(message.refused.path, message.refused.reason) : new Error(message.message));
});
