import { describe, expect, it } from "vitest";
import { goYamlNumber } from "../../../src/engine/parse/kubectl-yaml-schema.js";
import { parseFile } from "../../../src/engine/parse/parse-file.js";
import { defaultParseLimits } from "../../../src/engine/parse/parse-limits.js";
import { text } from "../../support/parse-text.js";

const read = (yaml: string) => parseFile("m.yaml", text(yaml), defaultParseLimits, "1.1").documents[0]!.value;

describe("reading manifests as go-yaml v2 does", () => {
  it("reads numbers by Go's ParseInt (base 0, underscores removed), then its float form", () => {
    expect(["0755", "0o755", "0x1F", "0b101", "-0b101", "1_000", "+12", "08", "1e3", ".5", "99999999999999999999"].map((s) => goYamlNumber(s)?.value))
      .toEqual([493, 493, 31, 5, -5, 1000, 12, 8, 1000, 0.5, 1e20]);
    expect(["1:30", "2024-01-01", "0xFFFFFFFFFFFFFFFFFF", ".", "_1", "1.2.3", "0x"].map(goYamlNumber)).toEqual(Array(7).fill(undefined));
  });

  it("reads booleans, keys included, and leaves quoted words alone", () => {
    expect(read("a: yes\nb: Off\nc: \"on\"\ny: 1\n")).toEqual({ a: true, b: false, c: "on", true: 1 });
  });

  // go-yaml v2 reads `!!float 3` as the float 3; it was an unknown-tag error.
  it("reads an explicit !!float of any number, and only of a number", () => {
    const parsed = parseFile("m.yaml", text("a: !!float 3\nb: !!float 0x10\nc: !!float 2.5\n"), defaultParseLimits, "1.1");
    expect(parsed.findings).toEqual([]);
    expect(parsed.documents[0]!.value).toEqual({ a: 3, b: 16, c: 2.5 });
    expect(parseFile("m.yaml", text("a: !!float x\n"), defaultParseLimits, "1.1").findings.map((f) => f.rule)).toEqual(["yaml/unknown-tag"]);
    expect(read("a: 3\nb: 3.0\n")).toEqual({ a: 3, b: 3 });
  });

  it("does not resolve tags kubectl would read otherwise", () => {
    const parsed = parseFile("m.yaml", text("a: !!binary aGVsbG8=\n"), defaultParseLimits, "1.1");
    expect(parsed.findings.map((f) => `${f.severity} ${f.rule} ${f.line}:${f.column}`)).toEqual(["error yaml/unknown-tag 1:4"]);
  });

  it("reads a file as YAML 1.1 in auto only when a document is a manifest, keeping positions", () => {
    const auto = (yaml: string) => parseFile("m.yaml", text(yaml), defaultParseLimits, "auto");
    expect(auto("x: yes\n").documents[0]!.value).toEqual({ x: "yes" });
    const manifest = auto("# comment\nkind: Pod\nx: yes\n");
    expect(manifest.documents[0]!.value).toEqual({ kind: "Pod", x: true });
    expect(manifest.documents[0]!.locate("/x")).toEqual({ line: 3, column: 4, endLine: 3, endColumn: 7 });
  });
});
