import { describe, expect, it } from "vitest";
import { toFileContent } from "../../../src/engine/change-set.js";
import { parseFile } from "../../../src/engine/parse/parse-file.js";
import { defaultParseLimits } from "../../../src/engine/parse/parse-limits.js";
import { parseText, where } from "../../support/parse-text.js";

describe("parseFile: YAML", () => {
  it("reads every document of a stream, with file-level positions", () => {
    const parsed = parseText("a.yaml", "a: 1\n---\nb: 2\n---\n# only a comment\n---\nc:\n  d: [1, 2]\n");
    expect(parsed.findings).toEqual([]);
    expect(parsed.documents.map((d) => [d.index, d.value])).toEqual([
      [0, { a: 1 }],
      [1, { b: 2 }],
      [3, { c: { d: [1, 2] } }],
    ]);
    expect(parsed.documents[2]!.locate("/c/d/1")).toEqual({ line: 8, column: 10, endLine: 8, endColumn: 11 });
  });

  it("reports a syntax error at its line and column", () => {
    const parsed = parseText("bad.yaml", "a: [1, 2\nb: 3\n");
    expect(parsed.findings.map(where)).toEqual(["error yaml/syntax 2:1"]);
    expect(parsed.findings[0]!.message).toMatch(/Flow sequence/);
    expect(parsed.documents[0]!.valid).toBe(false);
  });

  it("rejects duplicate keys, naming the key", () => {
    const parsed = parseText("dup.yaml", "metadata:\n  name: a\n  name: b\n");
    expect(parsed.findings.map(where)).toEqual(["error yaml/duplicate-key 3:3"]);
    expect(parsed.findings[0]!.message).toContain("Duplicate key name");
  });

  it("rejects tabs used as indentation", () => {
    expect(parseText("tab.yaml", "a:\n\tb: 1\n").findings.map(where)).toEqual(["error yaml/tab-indent 2:1"]);
  });

  it("rejects unknown tags", () => {
    const parsed = parseText("tag.yaml", "a: !vault secret/x\n");
    expect(parsed.findings.map(where)).toEqual(["error yaml/unknown-tag 1:4"]);
    expect(parsed.documents[0]!.valid).toBe(false);
  });

  it("stops an alias bomb and says so", () => {
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x]",
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
      "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]",
      "f: [*e, *e, *e, *e, *e, *e, *e, *e, *e]",
    ].join("\n");
    const parsed = parseText("bomb.yaml", `ok: 1\n---\n${bomb}\n`);
    expect(parsed.findings.map(where)).toEqual(["error yaml/alias-limit 3:1"]);
    expect(parsed.findings[0]!.message).toContain("Aliases expand");
    expect(parsed.documents.map((d) => d.valid)).toEqual([true, false]);
  });

  it("bounds nesting depth, however deep the input", () => {
    const flow = parseText("deep.yaml", "a: " + "[".repeat(50_000) + "]".repeat(50_000) + "\n");
    expect(flow.findings.map((f) => f.rule)).toContain("yaml/too-deep");
    const block = parseText("deep2.yaml", Array.from({ length: 150 }, (_, i) => " ".repeat(i) + "k:").join("\n") + " 1\n");
    expect(block.findings.map(where)).toEqual(["error yaml/too-deep 100:100"]);
  });

  it("rejects '<<' merge keys, which YAML 1.1 tools merge and YAML 1.2 does not", () => {
    const parsed = parseText("merge.yaml", "base: &b\n  x: 1\nother:\n  <<: *b\n  y: 2\n");
    expect(parsed.findings.map(where)).toEqual(["error yaml/merge-key 4:3"]);
  });

  it("warns on unquoted YAML 1.1 booleans in values, not in keys", () => {
    const parsed = parseText("bool.yaml", "on:\n  push: {}\nenabled: yes\nquoted: \"no\"\nlist: [off, 'on']\n");
    expect(parsed.findings.map(where)).toEqual(["warning yaml/yaml11-boolean 3:10", "warning yaml/yaml11-boolean 5:8"]);
  });

  it("warns on a byte order mark and keeps positions", () => {
    const parsed = parseText("bom.yaml", "\uFEFFa: [1\n");
    expect(parsed.findings.map(where)).toEqual(["warning file/bom 1:1", "error yaml/syntax 2:1"]);
  });

  it("caps the number of documents", () => {
    const parsed = parseText("many.yaml", "a: 1\n---\n".repeat(20), { maxDocuments: 10 });
    expect(parsed.findings.map(where)).toEqual(["error file/too-many-documents 1:1"]);
    expect(parsed.documents).toEqual([]);
  });
});

describe("parseFile: JSON", () => {
  it("reports a syntax error at its line and column", () => {
    const parsed = parseText("values.json", '{\n  "a": 1,\n  "b": 2,\n}\n');
    expect(parsed.findings.map(where)).toEqual(["error json/syntax 4:1"]);
  });

  it("finds duplicate keys that JSON.parse silently accepts", () => {
    const parsed = parseText("dup.json", '{"a": 1,\n "a": 2}\n');
    expect(parsed.findings.map(where)).toEqual(["error yaml/duplicate-key 2:2"]);
  });

  it("maps pointers to positions", () => {
    const parsed = parseText("v.json", '{\n  "spec": {\n    "replicas": "3"\n  }\n}\n');
    expect(parsed.documents[0]!.locate("/spec/replicas")).toEqual({ line: 3, column: 17, endLine: 3, endColumn: 20 });
    expect(parsed.documents[0]!.locate("/spec/missing")).toMatchObject({ line: 2, column: 3 });
  });
});

describe("parseFile: content that is not text", () => {
  const limits = { ...defaultParseLimits, maxFileBytes: 16 };

  it("refuses files over the size cap without reading them", () => {
    const parsed = parseFile("big.yaml", toFileContent(Buffer.from("a: 1\n".repeat(10)), limits.maxFileBytes), limits);
    expect(parsed.findings.map(where)).toEqual(["error file/too-large 1:1"]);
    expect(parsed.findings[0]!.message).toContain("50 bytes, over the 16-byte limit");
  });

  it("refuses binary content and invalid UTF-8", () => {
    for (const bytes of [Buffer.from([0x61, 0x3a, 0x00, 0x01]), Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe])]) {
      const parsed = parseFile("bin.yaml", toFileContent(bytes, 1024), limits);
      expect(parsed.findings.map(where)).toEqual(["error file/binary 1:1"]);
    }
  });
});
