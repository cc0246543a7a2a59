import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { requireWithCodeCache } from "../../src/evaluation/thread-code-cache.js";

// The CLI's threads load the built-in kinds' CommonJS modules with requireWithCodeCache instead of
// Node's `require`: what a module sees of its loader must be what `require` would give it.
describe("requireWithCodeCache", () => {
  const dir = mkdtempSync(join(tmpdir(), "gitgate-modules-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (files: Record<string, string>) => {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  };

  it("runs each module once, hands chunks that require each other their exports, and reads JSON as Node does", () => {
    write({
      "kind.js": 'const chunk = require("./chunk.js"); const data = require("./data.json"); module.exports = { validate: (v) => chunk.check(v) && data.ok, loads: chunk.loads() };',
      "chunk.js": 'globalThis.gitgateChunkRuns = (globalThis.gitgateChunkRuns ?? 0) + 1; const other = require("./other.js"); exports.check = (v) => other.positive(v); exports.loads = () => globalThis.gitgateChunkRuns;',
      "other.js": 'const chunk = require("./chunk.js"); exports.positive = (v) => v > 0 && typeof chunk === "object";',
      "data.json": '{ "ok": true }',
    });
    const kind = requireWithCodeCache(join(dir, "kind.js")) as { validate(v: number): boolean; loads: number };
    expect([kind.validate(1), kind.validate(-1), kind.loads]).toEqual([true, false, 1]);
    expect(requireWithCodeCache(join(dir, "kind.js"))).toBe(kind);
  });

  it("runs a module that threw again when it is required again, as Node's loader does", () => {
    write({
      "flaky.js": 'const shared = require("./shared.js"); module.exports = shared;',
      "shared.js": 'if (globalThis.gitgateFailOnce) { delete globalThis.gitgateFailOnce; throw new RangeError("first load failed"); } module.exports = { ready: true };',
    });
    (globalThis as { gitgateFailOnce?: boolean }).gitgateFailOnce = true;
    expect(() => requireWithCodeCache(join(dir, "flaky.js"))).toThrow("first load failed");
    expect(requireWithCodeCache(join(dir, "flaky.js"))).toEqual({ ready: true });
  });
});
