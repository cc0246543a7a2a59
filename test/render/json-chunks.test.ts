import { describe, expect, it } from "vitest";
import { jsonChunks } from "../../src/render/json-chunks.js";

describe("jsonChunks", () => {
  const value = {
    conclusion: "failure",
    empty: { list: [], object: {} },
    skipped: undefined,
    call: () => 1,
    findings: [
      { message: "line one\nline two \u2028 \"quoted\" ü", line: 3, nested: { deep: [1, [2, { three: 3 }]] } },
      undefined,
      null,
      { when: new Date(0), list: [undefined, "x"] },
    ],
    numbers: [0, -1.5, 1e21],
  };

  it("writes exactly what JSON.stringify(value, null, 2) writes", () => {
    expect([...jsonChunks(value)].join("")).toBe(JSON.stringify(value, null, 2));
    for (const depth of [0, 1, 2, 5]) expect([...jsonChunks(value, depth, 1)].join("")).toBe(JSON.stringify(value, null, 2));
  });

  it("comes in pieces of about the size asked for, never as one string", () => {
    const findings = Array.from({ length: 5000 }, (_, i) => ({ path: `manifests/app-${i}.yaml`, line: i, message: "x".repeat(40) }));
    const pieces = [...jsonChunks({ findings }, 3, 4096)];
    expect(pieces.length).toBeGreaterThan(100);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(4096 + 200);
    expect(pieces.join("")).toBe(JSON.stringify({ findings }, null, 2));
  });
});
