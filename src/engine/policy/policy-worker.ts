// Runs in a worker thread: evaluates compiled policies so that a runaway one can be stopped by
// terminating the thread. Self-contained (only the SDK and node built-ins) so Node can run this file
// directly from source or from dist.
import * as sdk from "@open-policy-agent/opa-wasm";
import type { LoadedPolicy } from "@open-policy-agent/opa-wasm";
import { parentPort, workerData } from "node:worker_threads";

interface WorkerSetup {
  modules: { digest: string; wasm: Uint8Array }[];
  memoryPages: number;
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
    policy = loadPolicySync(module.wasm, { initial: 5, maximum: setup.memoryPages });
    policy.setData({});
    policies.set(digest, policy);
  }
  return policy;
}

parentPort!.on("message", (items: Item[]) => {
  items.forEach((item, index) => {
    try {
      const resultSet = policyFor(item.digest).evaluate(item.input, item.entrypoint) as { result: unknown }[] | null;
      if (!Array.isArray(resultSet) || resultSet.length === 0) {
        parentPort!.postMessage({ index, outcome: { ok: false, reason: "undefined", message: "the policy's result is undefined" } });
      } else {
        parentPort!.postMessage({ index, outcome: { ok: true, result: resultSet[0]!.result } });
      }
    } catch (error) {
      // A policy that outgrew its memory leaves its instance unusable: start it afresh next time.
      policies.delete(item.digest);
      parentPort!.postMessage({ index, outcome: { ok: false, reason: "error", message: (error as Error).message } });
    }
  });
});
