import type { Worker } from "node:worker_threads";
import { defaultEvaluationLimits, evaluationEnv, readEvaluationLimits, type EvaluationLimits } from "./evaluation-limits.js";
import { createJudgingMarks, judgingMark, longestJudgingMark, whileJudging } from "./judging-marks.js";
import { startEvaluationWorker } from "./start-evaluation-worker.js";
import { RefusedPathError } from "../config/repo-reader.js";
import { EvaluationError, type Candidates, type ControlPlaneSource, type EvaluationHost, type EvaluationJob, type EvaluationResult, type JobResult, type RenderRequest } from "./evaluation-types.js";
import type { FromWorker, ToWorker } from "./worker-messages.js";
import type { EvaluateOptions } from "../engine/evaluate-change-set.js";
import type { ApprovalScope, ChangedPath } from "./approval-scope.js";
import type { GuardSettings } from "./guard-settings.js";

interface Task {
  job: EvaluationJob;
  host: Partial<EvaluationHost> & Pick<EvaluationHost, "read" | "list">;
  resolve(result: JobResult): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  /** Which file each of its threads is judging (judging-marks.ts): a bound's failure names it. */
  marks: SharedArrayBuffer;
  task?: Task;
  /** Fails the task in flight (the worker is being retired). */
  fail?: (error: Error) => void;
}

/**
 * Runs evaluations in long-lived worker threads, so no input, however hostile, blocks the main thread
 * (webhooks, /healthz, other repositories). Each evaluation has a wall-clock bound and each worker a
 * heap bound: a worker past either is terminated and replaced, and the evaluation fails closed with an
 * EvaluationError saying which bound it hit and which file it was judging. Workers keep their caches (compiled policies, Kubernetes
 * validators) between jobs. Jobs beyond the pool's size wait their turn; their clock starts when they run.
 */
export class EvaluationPool {
  readonly limits: EvaluationLimits;
  private readonly slots = new Set<Slot>();
  private readonly waiting: Task[] = [];
  private nextId = 0;
  private closed = false;

  /**
   * `lanes`: threads that may judge the files of one stream (the CLI's validate of a repository; see
   * file-lanes.ts). The App leaves it at 0: its evaluations share the pool's workers instead.
   * `started`: a worker started for it (startEvaluationWorker, with these limits), its first.
   */
  constructor(limits: Partial<EvaluationLimits> = {}, private readonly lanes = 0, private started?: Worker) {
    this.limits = { ...defaultEvaluationLimits(), ...limits };
  }

  /**
   * Builds the control plane from `source` through `host`, reads the change through it, judges it.
   * `candidates`: the paths the change may hold (a validate's), for the worker to say which of them the
   * config governs (EvaluationRoute.governed).
   */
  async evaluate(source: ControlPlaneSource, host: EvaluationHost, options: EvaluateOptions, request: { render?: RenderRequest; candidates?: Candidates } = {}): Promise<EvaluationResult> {
    const result = await this.run({ kind: "evaluate", source, options, ...request }, host);
    if (result.kind !== "evaluate") throw new Error("unexpected answer from the evaluation worker");
    return result.result;
  }

  /** What the approval check needs from the base's config, for these changed paths. */
  async approvalScope(source: ControlPlaneSource, host: Pick<EvaluationHost, "read" | "list" | "prefetch">, changed: ChangedPath[]): Promise<ApprovalScope> {
    const result = await this.run({ kind: "approval-scope", source, changed }, host);
    if (result.kind !== "approval-scope") throw new Error("unexpected answer from the evaluation worker");
    return result.scope;
  }

  /** What the guard needs from the config: whether it is on, which branches, what to do on a bypass. */
  async guardSettings(source: ControlPlaneSource, host: Pick<EvaluationHost, "read" | "list" | "prefetch">): Promise<GuardSettings> {
    const result = await this.run({ kind: "guard-settings", source }, host);
    if (result.kind !== "guard-settings") throw new Error("unexpected answer from the evaluation worker");
    return result.settings;
  }

  /** Which of `paths` are part of the control plane `source` describes (the push handler's question). */
  async controlPlanePaths(source: ControlPlaneSource, host: Pick<EvaluationHost, "read" | "list" | "prefetch">, paths: string[]): Promise<string[]> {
    const result = await this.run({ kind: "control-plane-paths", source, paths }, host);
    if (result.kind !== "control-plane-paths") throw new Error("unexpected answer from the evaluation worker");
    return result.paths;
  }

  /**
   * Starts a worker now, before any job, so that it loads its modules while the caller does its own
   * I/O (the CLI lists the working tree meanwhile): start-up is most of a small evaluation's time.
   */
  warm(): void {
    if (!this.closed && this.slots.size < this.limits.workers) this.spawn();
  }

  /** Stops every worker; evaluations still running fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.waiting.splice(0)) task.reject(new EvaluationError("the server is shutting down", "crashed"));
    await Promise.all([...this.slots].map((slot) => this.retire(slot, new EvaluationError("the server is shutting down", "crashed"))));
  }

  private run(job: EvaluationJob, host: Task["host"]): Promise<JobResult> {
    if (this.closed) return Promise.reject(new EvaluationError("the evaluation pool is closed", "crashed"));
    return new Promise((resolve, reject) => {
      this.waiting.push({ job, host, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      let slot = [...this.slots].find((s) => !s.task);
      if (!slot && this.slots.size < this.limits.workers) slot = this.spawn();
      if (!slot) return;
      this.start(slot, this.waiting.shift()!);
    }
  }

  private spawn(): Slot {
    // An idle worker must not keep a CLI process alive; a busy one is ref'd while it works.
    const worker = this.started ?? startEvaluationWorker(this.limits);
    this.started = undefined;
    const slot: Slot = { worker, marks: createJudgingMarks(this.lanes) };
    worker.on("error", (error: Error & { code?: string }) => {
      const stopped = error.code === "ERR_WORKER_OUT_OF_MEMORY"
        ? new EvaluationError(`the evaluation needed more than ${this.limits.memoryMiB} MiB of memory and was stopped (${evaluationEnv.memory})${whileJudging(judgingMark(slot.marks, 0))}`, "memory")
        : new EvaluationError(`the evaluation worker failed: ${error.message}`, "crashed");
      void this.retire(slot, stopped);
    });
    worker.on("exit", (code) => void this.retire(slot, new EvaluationError(`the evaluation worker exited (${code})`, "crashed")));
    this.slots.add(slot);
    return slot;
  }

  private start(slot: Slot, task: Task): void {
    slot.task = task;
    const { worker } = slot;
    worker.ref();
    const id = this.nextId++;
    const started = performance.now();
    // The bound is on the worker's own work: time the host spends reading from GitHub or git is not
    // the input's fault, so it is not counted.
    let hostMs = 0;
    let hostCalls = 0;
    let hostSince = 0;
    let hostError: Error | undefined;
    const worked = () => performance.now() - started - hostMs - (hostCalls > 0 ? performance.now() - hostSince : 0);
    let timer: NodeJS.Timeout;
    const arm = (ms: number) => {
      timer = setTimeout(() => {
        const left = this.limits.timeoutMs - worked();
        if (left > 0) return arm(left);
        void this.retire(slot, () => new EvaluationError(`the evaluation took longer than ${this.limits.timeoutMs / 1000} s and was stopped (${evaluationEnv.timeout})${whileJudging(longestJudgingMark(slot.marks))}`, "timeout"));
      }, ms);
    };
    arm(this.limits.timeoutMs);
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      worker.off("message", onMessage);
      slot.task = undefined;
      settle();
    };
    const onMessage = (message: FromWorker) => {
      if (message.type === "done" && message.id === id) {
        finish(() => task.resolve(message.result));
        worker.unref();
        this.dispatch();
        return;
      }
      if (message.type === "failed" && message.id === id) {
        // A host call that failed and was not handled is the real cause (a git or GitHub error): hand it
        // back as it was. One the worker handled (a refused path becomes a finding) is not.
        const cause = message.reason ? new EvaluationError(message.message, message.reason) : hostError?.message === message.message ? hostError : new Error(message.message);
        finish(() => task.reject(cause));
        // A failed job can leave files of its own still being judged in the worker (those it had in
        // hand when one failed): they would take the next job's time, and mark their files in its
        // name. A fresh worker takes the next job.
        void this.retire(slot, cause);
        return;
      }
      if (message.type !== "call") return;
      if (hostCalls++ === 0) hostSince = performance.now();
      const reply = (answer: ToWorker) => {
        if (--hostCalls === 0) hostMs += performance.now() - hostSince;
        if (slot.task === task) worker.postMessage(answer);
      };
      const method = task.host[message.method] as ((...args: unknown[]) => Promise<unknown>) | undefined;
      (method ? method.apply(task.host, message.args) : Promise.resolve(undefined)).then(
        (value) => reply({ type: "reply", callId: message.callId, ok: true, value }),
        (error: Error) => {
          hostError ??= error;
          // A refused control-plane path is a finding, not a failure: the worker must know it for what it is.
          const refused = error instanceof RefusedPathError ? { refused: { path: error.path, reason: error.reason } } : {};
          reply({ type: "reply", callId: message.callId, ok: false, message: error.message, ...refused });
        },
      );
    };
    slot.fail = (error) => finish(() => task.reject(error));
    worker.on("message", onMessage);
    worker.postMessage({ type: "job", id, job: task.job, lanes: { count: this.lanes, memoryMiB: this.limits.memoryMiB }, marks: slot.marks } satisfies ToWorker);
  }

  /**
   * Takes a worker out of the pool (for good), failing its job with `error`, and lets the queue go on.
   * An error made from the worker's marks (a function) is made once the worker, and with it its file
   * lanes, has stopped: a running thread may be rewriting them.
   */
  private async retire(slot: Slot, error: Error | (() => Error)): Promise<void> {
    if (!this.slots.delete(slot)) return;
    if (typeof error === "function") {
      await slot.worker.terminate();
      error = error();
    }
    if (slot.task) slot.fail?.(error);
    this.dispatch();
    await slot.worker.terminate();
  }
}

/**
 * Runs `use` with a one-worker pool bounded by the environment (the CLI: one evaluation per process),
 * and stops the worker afterwards so the process can exit. GITGATE_EVALUATION_WORKERS (default: the
 * CPUs, at most 4) is how many threads judge the files of a large validate.
 */
export async function withEvaluationPool<T>(env: NodeJS.ProcessEnv, use: (pool: EvaluationPool) => Promise<T>, started?: Worker): Promise<T> {
  const { limits, problems } = readEvaluationLimits(env);
  if (problems.length > 0) throw new Error(problems.join("; "));
  const pool = new EvaluationPool({ ...limits, workers: 1 }, limits.workers, started);
  try {
    return await use(pool);
  } finally {
    await pool.close();
  }
}
