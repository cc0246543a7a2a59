// Runs in a worker thread: evaluates compiled policies so that a runaway one can be stopped by
// terminating the thread. Self-contained (only the SDK and node built-ins) so Node can run this file
// directly from source or from dist.
import * as sdk from "@open-policy-agent/opa-wasm";
import type { LoadedPolicy } from "@open-policy-agent/opa-wasm";
import { parentPort, workerData } from "node:worker_threads";

interface WorkerSetup {
  /** initialPages: the memory the module imports must start with (its constants live there). */
  /** data: the repository's policies.data document, which the policies read as `data.…`. */
  modules: { digest: string; wasm: Uint8Array; initialPages?: number; data?: Record<string, unknown> }[];
  memoryPages: number;
  memoryMiB: number;
  /**
   * progress[0]: 1 + the index in the current batch of the evaluation under way, 0 while the batch's
   * modules are still being loaded; progress[1]: 1 while that evaluation's module is loaded again (an
   * earlier evaluation failed and took its instance with it). Loading is not an evaluation, so its
   * time is not held against one.
   */
  progress: Int32Array;
}

interface Item {
  digest: string;
  entrypoint: string;
  input: unknown;
}

// The ESM entry only names loadPolicy (async); the synchronous loader is on the default export.
const { loadPolicySync } = (sdk as unknown as { default: { loadPolicySync: typeof sdk.loadPolicySync } }).default;

const setup = workerData as WorkerSetup;
const policies = new Map<string, LoadedPolicy>();

// One instance per module for the life of the worker: never instantiated per document.
function policyFor(digest: string): LoadedPolicy {
  let policy = policies.get(digest);
  if (!policy) {
    const module = setup.modules.find((m) => m.digest === digest);
    if (!module) throw new Error(`no policy module ${digest}`);
    // The memory must start at least as large as the module declares, or instantiation fails for
    // every evaluation; a module that needs more than the bound before it runs cannot run at all.
    const initial = Math.max(5, module.initialPages ?? 0);
    if (initial > setup.memoryPages) throw new MemoryBoundError(`it needs ${Math.ceil((initial * 64) / 1024)} MiB to start, more than the ${setup.memoryMiB} MiB it may use (limits.policy_memory_mib)`);
    policy = loadPolicySync(module.wasm, { initial, maximum: setup.memoryPages });
    // Copied into the instance's memory once, so its size counts against the same bound as the policy.
    policy.setData(module.data ?? {});
    policies.set(digest, policy);
  }
  return policy;
}

type Outcome = { ok: true; result: unknown } | { ok: false; reason: "error" | "undefined" | "memory"; message: string };

// OPA's allocator aborts with a bare string; the engine itself throws a RangeError when the memory
// may not grow any further, and a LinkError when the memory offered is smaller than the module
// declares. All mean the policy outgrew its bound, not that it is wrong.
const outOfMemory = /opa_malloc|Maximum memory size|Out of memory|WebAssembly\.Memory|memory import/i;

class MemoryBoundError extends Error {}

// Written without parameter properties: Node runs this file from source by stripping types only.
class LoadFailure {
  readonly error: unknown;
  constructor(error: unknown) {
    this.error = error;
  }
}

function evaluate(item: Item, policy: LoadedPolicy): Outcome {
  try {
    const resultSet = policy.evaluate(item.input, item.entrypoint) as { result: unknown }[] | null;
    if (!Array.isArray(resultSet) || resultSet.length === 0) return { ok: false, reason: "undefined", message: "the result is undefined" };
    return { ok: true, result: resultSet[0]!.result };
  } catch (error) {
    // A policy that outgrew its memory leaves its instance unusable: start it afresh next time.
    policies.delete(item.digest);
    return failed(error);
  }
}

/** What a policy that could not be loaded or evaluated gives. */
function failed(error: unknown): Outcome {
  // OPA aborts by throwing a string, not an Error: never report "undefined" for it.
  const text = error instanceof Error ? error.message : String(error);
  if (error instanceof MemoryBoundError) return { ok: false, reason: "memory", message: text };
  if (outOfMemory.test(text)) return { ok: false, reason: "memory", message: `it needed more than the ${setup.memoryMiB} MiB it may use (limits.policy_memory_mib, at most a quarter of the server's GITGATE_EVALUATION_MEMORY_MIB)` };
  return { ok: false, reason: "error", message: text || "it failed without saying why" };
}

/**
 * The item's policy, loaded again if an earlier evaluation took its instance with it, or why it
 * cannot be. Loading is flagged (progress[1]) so that its time is not held against the evaluation; a
 * module that failed to load in this batch is not loaded again for each of its evaluations.
 */
function loadedFor(item: Item, failures: Map<string, LoadFailure>): LoadedPolicy | LoadFailure {
  const loaded = policies.get(item.digest) ?? failures.get(item.digest);
  if (loaded) return loaded;
  Atomics.store(setup.progress, 1, 1);
  try {
    return policyFor(item.digest);
  } catch (error) {
    const failure = new LoadFailure(error);
    failures.set(item.digest, failure);
    return failure;
  } finally {
    Atomics.store(setup.progress, 1, 0);
  }
}

// Loaded as the thread starts, while the documents for the first batch are still being parsed.
for (const { digest } of setup.modules) {
  try {
    policyFor(digest);
  } catch {
    // Reported by the evaluation that needs it (loadedFor).
  }
}

// One answer per batch keeps messaging cheap; the shared progress counter says which evaluation hung.
parentPort!.on("message", (items: Item[]) => {
  // Loaded before the first evaluation (progress 0: not timed); one that fails is tried once more, for
  // the first evaluation that needs it.
  for (const digest of new Set(items.map((item) => item.digest))) {
    try {
      policyFor(digest);
    } catch {
      // Reported by the evaluation that needs it (loadedFor).
    }
  }
  const failures = new Map<string, LoadFailure>();
  const outcomes = items.map((item, index) => {
    Atomics.store(setup.progress, 0, index + 1);
    const policy = loadedFor(item, failures);
    return policy instanceof LoadFailure ? failed(policy.error) : evaluate(item, policy);
  });
  // keepCompiledCode (evaluation/thread-code-cache.ts), by the name it is published under: this worker
  // runs from source too, where Node strips its types and finds no other module of ours.
  (globalThis as { [key: symbol]: (() => void) | undefined })[Symbol.for("gitgate.keepCompiledCode")]?.();
  parentPort!.postMessage(outcomes);
});
