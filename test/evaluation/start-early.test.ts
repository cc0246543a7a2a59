import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { holdEarly } from "../../src/evaluation/start-evaluation-worker.js";

// bin.ts starts the evaluation worker before the CLI's code has loaded. Until the pool takes it, nobody
// else listens to it: a worker that failed meanwhile must not be handed on as if it were ready, and its
// error must not escape as an uncaught one.
describe("an evaluation worker started early", () => {
  const folder = mkdtempSync(join(tmpdir(), "gitgate-early-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const worker = (name: string, text: string) => {
    writeFileSync(join(folder, name), text);
    return new Worker(pathToFileURL(join(folder, name)));
  };

  it("is handed on while it runs, and answers", async () => {
    const take = holdEarly(worker("waits.mjs", "import { parentPort } from 'node:worker_threads';\nparentPort.once('message', () => parentPort.postMessage('ready'));\n"));
    const taken = take()!;
    const answer = new Promise((resolve) => taken.once("message", resolve));
    taken.postMessage("are you there");
    expect(await answer).toBe("ready");
    await taken.terminate();
  });

  it("is not handed on once it has failed", async () => {
    const failing = worker("throws.mjs", "throw new Error('broken bundle');\n");
    const take = holdEarly(failing);
    await new Promise((resolve) => failing.once("exit", resolve));
    expect(take()).toBeUndefined();
  });
});
