import { describe, expect, it } from "vitest";
import { fieldDiff } from "../../../src/engine/diff/field-diff.js";

describe("fieldDiff", () => {
  it("compares maps key by key", () => {
    expect(fieldDiff({ a: 1, b: { c: 2 }, d: 3 }, { a: 1, b: { c: 3 }, e: 4 })).toEqual([
      { field: "b.c", pointer: "/b/c", op: "changed", before: 2, after: 3 },
      { field: "d", pointer: "/d", op: "removed", before: 3 },
      { field: "e", pointer: "/e", op: "added", after: 4 },
    ]);
  });

  it("matches lists of named items by name, not position", () => {
    const before = { containers: [{ name: "app", image: "a:1" }, { name: "sidecar", image: "s:1" }] };
    const after = { containers: [{ name: "sidecar", image: "s:1" }, { name: "app", image: "a:2" }, { name: "new", image: "n:1" }] };
    expect(fieldDiff(before, after)).toEqual([
      { field: "containers[app].image", pointer: "/containers/1/image", op: "changed", before: "a:1", after: "a:2" },
      { field: "containers[new]", pointer: "/containers/2", op: "added", after: { name: "new", image: "n:1" } },
    ]);
  });

  it("compares other lists by position", () => {
    expect(fieldDiff({ args: ["--a", "--b"] }, { args: ["--a", "--c", "--d"] })).toEqual([
      { field: "args[1]", pointer: "/args/1", op: "changed", before: "--b", after: "--c" },
      { field: "args[2]", pointer: "/args/2", op: "added", after: "--d" },
    ]);
  });

  it("quotes keys that are not plain words", () => {
    expect(fieldDiff({ metadata: { annotations: {} } }, { metadata: { annotations: { "example.com/x y": "1" } } })[0]!.field).toBe(
      'metadata.annotations["example.com/x y"]',
    );
  });
});

describe("fieldDiff on hostile input", () => {
  it("walks a value nested 10,000 levels without overflowing the stack", () => {
    const nest = (leaf: unknown) => {
      let value: unknown = leaf;
      for (let i = 0; i < 10_000; i++) value = [value];
      return value;
    };
    const changes = fieldDiff({ a: nest(1) }, { a: nest(2) });
    expect(changes).toHaveLength(1);
    expect(changes[0]!.pointer).toBe("/a" + "/0".repeat(10_000));
  });

  it("treats keys such as __proto__ and toString as plain keys", () => {
    const before = JSON.parse('{"__proto__": {"x": 1}}') as unknown;
    const after = JSON.parse('{"__proto__": {"x": 2}, "toString": "s"}') as unknown;
    expect(fieldDiff(before, after).map((c) => `${c.op} ${c.pointer}`)).toEqual(["changed /__proto__/x", "added /toString"]);
  });
});
