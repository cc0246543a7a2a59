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

  it("rejects a line break go-yaml sees and YAML 1.2 does not, at its position, and reads the rest", () => {
    const parsed = parseText("cr.yaml", "a: 1 # note\r b: 2\nc: 3\n");
    expect(parsed.findings.map(where)).toEqual(["error yaml/line-break 1:12"]);
    expect(parsed.findings[0]!.message).toContain("carriage return");
    for (const odd of ["\u0085", "\u2028", "\u2029"]) expect(parseText("x.yaml", `a: 1\nb: 2 #${odd}c: 3\n`).findings.map(where)).toEqual(["error yaml/line-break 2:7"]);
    // Windows line endings, converted twice or not, and JSON are read as they are.
    expect(parseText("crlf.yaml", "a: 1\r\nb: 2\r\r\n").findings).toEqual([]);
    expect(parseText("x.json", '{"a": "\u2028"}').findings).toEqual([]);
  });

  it("refuses a nesting bomb before parsing it: brackets or compact entries far deeper than judged", () => {
    const flow = parseText("deep.yaml", `a: ${"[".repeat(20_000)}`);
    expect(flow.findings.map(where)).toEqual(["error yaml/too-deep 1:10004"]);
    expect(flow.documents).toEqual([]);
    expect(parseText("deep.json", `${"[".repeat(20_000)}${"]".repeat(20_000)}`).findings.map(where)).toEqual(["error yaml/too-deep 1:10001"]);
    expect(parseText("dashes.yaml", `k: 1\n${"- ".repeat(20_000)}x\n`).findings.map(where)).toEqual(["error yaml/too-deep 2:20001"]);
    // Explicit keys nest the same way, and so do indicators followed by a tab.
    expect(parseText("keys.yaml", `${"? ".repeat(20_000)}x\n`).findings.map(where)).toEqual(["error yaml/too-deep 1:20001"]);
    expect(parseText("mixed.yaml", `${"- ? ".repeat(10_000)}x\n`).findings.map(where)).toEqual(["error yaml/too-deep 1:20001"]);
    expect(parseText("tabs.yaml", `${"-\t".repeat(20_000)}x\n`).findings.map(where)).toEqual(["error yaml/too-deep 1:20001"]);
    // Entries spread out by blanks, and braces, nest all the same.
    expect(parseText("wide-dashes.yaml", `${"-   ".repeat(20_000)}x\n`).findings.map(where)).toEqual(["error yaml/too-deep 1:40001"]);
    expect(parseText("braces.json", `${"{\"a\":".repeat(20_000)}1${"}".repeat(20_000)}`).findings.map(where)).toEqual(["error yaml/too-deep 1:50001"]);
    // Millions of entries in a row, in a file a raised size limit lets through.
    expect(parseText("huge.yaml", `${"- ".repeat(3_400_000)}x\n`, { maxFileBytes: 8 * 1024 * 1024 }).findings.map(where)).toEqual(["error yaml/too-deep 1:20001"]);
    // Many brackets, but closed as they go: judged as usual.
    expect(parseText("wide.yaml", `a: [${"[1], ".repeat(20_000)}[1]]\n`).findings).toEqual([]);
  });

  it("rejects keys that become the same JSON key, as the cluster reads them", () => {
    expect(parseText("k.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels:\n    1: a\n    \"1\": b\n").findings.map(where)).toEqual(["error yaml/duplicate-key 6:5"]);
    expect(parseText("k.yaml", "a: 1\n\"b\": 2\n").findings).toEqual([]);
  });

  it("rejects a byte order mark where a later line starts: kubectl drops it, other readers keep it in the key", () => {
    expect(parseText("x.yaml", "apiVersion: v1\nkind: A\n---\n\uFEFFkind: Pod\n").findings.map(where)).toEqual(["error yaml/byte-order-mark 4:1"]);
    // At the very start it is the usual warning; indented or inside a value it is text to every reader.
    expect(parseText("x.yaml", "\uFEFFa: 1\nb: x\uFEFFy\nc:\n  \uFEFFd: 1\n").findings.map(where)).toEqual(["warning file/bom 1:1"]);
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
    // At the alias that overdraws the file's budget: the first *d of line 7 (the file is tiny, so 10,000 nodes).
    expect(parsed.findings.map(where)).toEqual(["error yaml/alias-limit 7:8"]);
    expect(parsed.findings[0]!.message).toContain("Aliases expand");
    expect(parsed.documents.map((d) => d.valid)).toEqual([true, false]);
  });

  it("counts the nodes aliases expand to, not the aliases: 99 aliases of a 20,000-key map", () => {
    const anchor = Array.from({ length: 20_000 }, (_, i) => `  k${i}: ${i}\n`).join("");
    const parsed = parseText("wide.yaml", `a: &a\n${anchor}b:\n${"  - *a\n".repeat(99)}`);
    // 20,000 keys and values plus the map: each alias adds 40,000 nodes to a file of 40,105; the second overdraws.
    expect(parsed.findings.map(where)).toEqual([`error yaml/alias-limit ${20_000 + 4}:5`]);
    expect(parsed.findings[0]!.message).toBe(
      `Aliases expand to more than ${40_000 + 1 + 99 + 4} extra nodes in this file (a "billion laughs" attack?): not validated.`,
    );
    expect(parsed.documents.map((d) => d.valid)).toEqual([false]);
  });

  it("shares the alias budget between the documents of a stream", () => {
    // Each alias adds 99 nodes: the first document uses 5,940 of 10,000, the 42nd alias of the second overdraws.
    const doc = `a: &a [${Array(99).fill(0).join(", ")}]\nb: [${Array(60).fill("*a").join(", ")}]\n`;
    const parsed = parseText("stream.yaml", `${doc}---\n${doc}`);
    expect(parsed.findings.map(where)).toEqual(["error yaml/alias-limit 5:169"]);
    expect(parsed.documents.map((d) => d.valid)).toEqual([true, false]);
  });

  it("allows aliases that add fewer nodes than the file has, and caps their number", () => {
    const anchor = Array.from({ length: 6_000 }, (_, i) => `  k${i}: ${i}\n`).join("");
    expect(parseText("ok.yaml", `a: &a\n${anchor}b: *a\n`).findings).toEqual([]);
    const many = parseText("many.yaml", `a: &a 1\nb: [${Array(1_001).fill("*a").join(", ")}]\n`);
    expect(many.findings.map(where)).toEqual([`error yaml/alias-limit 2:${5 + 4 * 1_000}`]);
    expect(many.findings[0]!.message).toBe("More than 1000 aliases in one document: not validated.");
  });

  it("says which alias has no anchor", () => {
    const parsed = parseText("alias.yaml", "a: 1\nb: *nope\n");
    expect(parsed.findings.map((f) => `${where(f)} ${f.message}`)).toEqual(["error yaml/syntax 2:4 Alias *nope has no anchor &nope before it."]);
  });

  it("finds a duplicate key in a flat map of 75,000 keys, at its line (the check is linear)", () => {
    const keys = Array.from({ length: 75_000 }, (_, i) => `key${String(i).padStart(6, "0")}: v\n`).join("");
    const parsed = parseText("flat.yaml", `${keys}key000042: again\n`);
    expect(parsed.findings.map((f) => `${where(f)} ${f.message}`)).toEqual([
      "error yaml/duplicate-key 75001:1 Duplicate key key000042: tools disagree on which value wins. Keep one.",
    ]);
  });

  it("compares keys as the JSON keys they become", () => {
    const parsed = parseText("keys.yaml", "1: a\n'1': b\n.nan: c\n.nan: d\n? x\n: 1\n&k x: 2\nflow: {y: 1, \"y\": 2}\n");
    expect(parsed.findings.map((f) => `${where(f)} ${f.message}`)).toEqual([
      "error yaml/duplicate-key 2:1 Duplicate key '1': tools disagree on which value wins. Keep one.",
      "error yaml/duplicate-key 7:4 Duplicate key x: tools disagree on which value wins. Keep one.",
      "error yaml/duplicate-key 8:14 Duplicate key \"y\": tools disagree on which value wins. Keep one.",
    ]);
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

  it("finds a duplicate key among 75,000 (the check is linear)", () => {
    const keys = Array.from({ length: 75_000 }, (_, i) => `"k${i}": ${i},\n`).join("");
    const parsed = parseText("flat.json", `{\n${keys}"k7": 0\n}\n`);
    expect(parsed.findings.map((f) => `${where(f)} ${f.message}`)).toEqual([
      'error yaml/duplicate-key 75002:1 Duplicate key "k7": tools disagree on which value wins. Keep one.',
    ]);
  });

  it("names the place of a syntax error, never the text around it (it may be a secret)", () => {
    const parsed = parseText("secret.json", '{\n  "kind": "Secret",\n  "stringData": {"password": \'S12-hunter2\'}\n}\n');
    expect(parsed.findings.map((f) => `${where(f)} ${f.message}`)).toEqual([
      "error json/syntax 3:30 Invalid JSON: unexpected character at line 3, column 30.",
    ]);
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

  it("refuses binary content", () => {
    const parsed = parseFile("bin.yaml", toFileContent(Buffer.from([0x61, 0x3a, 0x00, 0x01]), 1024), limits);
    expect(parsed.findings.map(where)).toEqual(["error file/binary 1:1"]);
  });

  // kubectl decodes UTF-16 after its byte order mark, and reads each byte that is not UTF-8 as U+FFFD:
  // such files were "binary", and a changed one was excused as an existing error, never judged.
  it("reads UTF-16 and invalid UTF-8 as kubectl does, with a warning where the file is not UTF-8", () => {
    const cases: [Buffer, string, string][] = [
      [Buffer.from("a: 1\nb: caf\xe9\n", "latin1"), "warning file/encoding 2:7", "caf\uFFFD"],
      [Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("a: 1\nb: café\n", "utf16le")]), "warning file/encoding 1:1", "café"],
      [Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from("a: 1\nb: café\n", "utf16le").swap16()]), "warning file/encoding 1:1", "café"],
    ];
    for (const [bytes, finding, b] of cases) {
      const parsed = parseFile("text.yaml", toFileContent(bytes, 1024), { ...limits, maxFileBytes: 1024 });
      expect(parsed.findings.map(where)).toEqual([finding]);
      expect(parsed.documents[0]!.value).toEqual({ a: 1, b });
    }
  });
});
