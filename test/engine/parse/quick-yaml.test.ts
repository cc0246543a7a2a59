// The quick YAML reader (js-yaml) may only ever read a file the way the `yaml` package does: same
// documents, same indices, same values, and nothing the `yaml` package would report. Held to that on
// the example repository, the real-world corpus (when ../shared/corpus is beside the repository) and
// thousands of mutations of them (a fixed seed: the same inputs every run).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { corpusDir, corpusPresent } from "../../../bench/real-corpus.js";
import type { DraftFinding } from "../../../src/engine/finding.js";
import { parseFile, parseYaml } from "../../../src/engine/parse/parse-file.js";
import { defaultParseLimits } from "../../../src/engine/parse/parse-limits.js";
import { quickManifestValues } from "../../../src/engine/parse/quick-yaml.js";

const yamlFiles = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => readFileSync(join(e.parentPath, e.name), "utf8"));

const examples = yamlFiles(new URL("../../../examples", import.meta.url).pathname);
const corpus = corpusPresent ? yamlFiles(corpusDir) : [];

/** Where the two readings differ, or undefined when the quick reader declined or agrees. */
function disagreement(text: string): string | undefined {
  const quick = parseFile("file.yaml", { kind: "text", text, size: text.length }, defaultParseLimits, "auto");
  if (quick.findings.length > 0 || !quick.documents.some(readQuickly)) return undefined;
  const findings: DraftFinding[] = [];
  const full = parseYaml("file.yaml", text, defaultParseLimits, "auto", findings);
  if (findings.length > 0) return `the yaml package reports ${findings.map((f) => `${f.rule} at ${f.line}:${f.column}`).join(", ")}`;
  const shape = (docs: typeof full) => docs.map((d) => [d.index, d.valid, d.value]);
  if (!isDeepStrictEqual(shape(quick.documents), shape(full))) return "different documents";
  for (const [i, doc] of quick.documents.entries()) {
    const other = full[i]!;
    if (!isDeepStrictEqual(doc.span, other.span)) return `document ${doc.index} starts elsewhere`;
    for (const pointer of pointersIn(doc.value)) {
      for (const target of ["value", "key"] as const) {
        if (!isDeepStrictEqual(doc.locate(pointer, target), other.locate(pointer, target))) return `${pointer} (${target}) of document ${doc.index} is found elsewhere`;
      }
    }
  }
  return undefined;
}

/** Pointers to the first two levels of a value, and one past them that does not exist. */
function pointersIn(value: unknown): string[] {
  const pointers = ["/missing"];
  const keysOf = (v: unknown) => (v !== null && typeof v === "object" ? Object.keys(v).slice(0, 12) : []);
  const escape = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");
  for (const key of keysOf(value)) {
    pointers.push(`/${escape(key)}`);
    for (const inner of keysOf((value as Record<string, unknown>)[key])) pointers.push(`/${escape(key)}/${escape(inner)}`);
  }
  return pointers;
}

// Quoted scalars and flow collections on several lines, indented as the quick reader takes them: the
// mutations move their lines, quotes and brackets about.
const multiLineFlow = [
  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dash\ndata:\n  dash.json: \"{\n    \\\"title\\\": \\\"x\\\",\n    \\\"panels\\\": [1, 2,\n      3]\n  }\"\n  b: 'one\n    two'\n",
  "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        command: [\"sh\", \"-c\",\n          \"echo hi\"]\n        args:\n        - \"--flag=one\n          two\"\n        env: [{name: A,\n          value: \"1\"}]\n",
  "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nrules:\n  - apiGroups: [\"\"]\n    verbs:\n      [\n        \"get\",\n        \"list\",\n      ]\n    resources: [\n        pods,\n    ]\n",
];

/** A document of the quick reader: its span is found only when asked for. */
const readQuickly = (doc: object) => Object.getOwnPropertyDescriptor(doc, "span")?.get !== undefined;

/** Edits of the kinds that break YAML in the ways the two readers could disagree on. */
function mutations(seeds: readonly string[], count: number): string[] {
  let state = 20261201;
  const random = () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const pieces = [" ", "\n", ":", "- ", "  ", "'", '"', "#", "{", "}", "[", "]", ",", "|", ">", "\t", "---\n", "...\n", "y", "on", "0", "0x1", "1e3", "~", "null", "\\", ".5", "0o7", "1_0", "08", "&a ", "*a", "!!str ", "! ", "<<: ", "? ", "%YAML 1.2\n", "\r", "\r\n", "\u00a0", "\ufeff", "a: b: c", "'it''s'", "key:\n"];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = pick(seeds);
    for (let edit = 0; edit <= Math.floor(random() * 3); edit++) {
      const at = Math.floor(random() * text.length);
      const kind = random();
      if (kind < 0.4) text = text.slice(0, at) + pick(pieces) + text.slice(at);
      else if (kind < 0.65) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 5));
      else if (kind < 0.85) {
        // Indentation: a line moved left or right.
        const lines = text.split("\n");
        const n = Math.floor(random() * lines.length);
        const by = 1 + Math.floor(random() * 3);
        lines[n] = random() < 0.5 ? " ".repeat(by) + lines[n] : lines[n]!.slice(by);
        text = lines.join("\n");
      } else {
        const from = Math.floor(random() * text.length);
        text = text.slice(0, at) + text.slice(from, from + 12) + text.slice(at);
      }
    }
    out.push(text);
  }
  return out;
}

describe("the quick YAML reader", () => {
  it("reads the example repository's manifests as the yaml package does", () => {
    expect(examples.length).toBeGreaterThan(10);
    expect(examples.map(disagreement).filter(Boolean)).toEqual([]);
  });

  it.skipIf(!corpusPresent)("reads the real-world corpus as the yaml package does, most of it quickly", () => {
    expect(corpus.map(disagreement).filter(Boolean)).toEqual([]);
    const quick = corpus.filter((text) => quickManifestValues(text) !== undefined).length;
    expect(quick / corpus.length).toBeGreaterThan(0.85);
  });

  it("never disagrees with the yaml package on mutated YAML", () => {
    const seeds = [...examples, ...corpus.filter((text) => text.length < 4000), ...multiLineFlow];
    const texts = mutations(seeds, 4000);
    const found = texts.map((text) => [text, disagreement(text)] as const).filter(([, why]) => why !== undefined);
    expect(found.slice(0, 3)).toEqual([]);
    // The mutations must reach the quick reader often, or this test would prove nothing.
    expect(texts.filter((text) => quickManifestValues(text) !== undefined).length).toBeGreaterThan(texts.length / 4);
  });

  it.each([
    ["an anchor", "apiVersion: v1\nkind: ConfigMap\ndata: &d\n  a: b\n"],
    ["an alias", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\nx: &a 1\ny: *a\n"],
    ["an explicit tag", "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: !!str 1\n"],
    ["a YAML 1.1 boolean word", "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: yes\n"],
    ["a merge key", "apiVersion: v1\nkind: ConfigMap\n<<: {a: 1}\n"],
    ["a special float", "apiVersion: v1\nkind: ConfigMap\nx: .inf\n"],
    ["a quoted scalar on several lines", "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: \"one\n  two\"\n"],
    ["a flow sequence whose next line is not indented past its key", "apiVersion: v1\nkind: ConfigMap\nx: [a,\nb]\n"],
    ["a quoted scalar whose next line is not indented past its key", "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: \"a\n    b\"\n"],
    ["a quoted scalar whose next line is indented with a tab", "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: \"one\n\t  two\"\n"],
    ["a quoted scalar closed at its key's column", "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: \"one\n  \"\n"],
    ["a flow sequence closed left of its key", "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: [\n    x,\n ]\n"],
    ["a flow sequence on the line after a comment", "apiVersion: v1\nkind: ConfigMap\ndata:\n  a:\n  # c\n    [x,\n     y]\n"],
    ["a quoted scalar with an empty line", "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: 'one\n\n    two'\n"],
    ["a flow mapping with a comment line", "apiVersion: v1\nkind: ConfigMap\nx: {a: 1,\n  # note\n  b: 2}\n"],
    ["a quoted scalar on several lines after a quoted key", "apiVersion: v1\nkind: ConfigMap\ndata:\n  \"a\": \"one\n    two\"\n"],
    ["a non-specific tag on a value", "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: ! one\n"],
    ["a non-specific tag before a nested map on the key's line", "apiVersion: v1\nkind: StorageClass\nparameters:\n  skuname: ! Ste: Standard_LRS\n"],
    ["a non-specific tag on the next line", "apiVersion: v1\nkind: ConfigMap\ndata:\n  a:\n    # why\n    ! one\n"],
    ["a null key", "apiVersion: v1\nkind: ConfigMap\n~: 1\n"],
    ["an explicit key", "apiVersion: v1\nkind: ConfigMap\n? a\n: b\n"],
    ["a directive", "%YAML 1.1\n---\napiVersion: v1\nkind: ConfigMap\n"],
    ["a carriage return alone", "apiVersion: v1\rkind: ConfigMap\n"],
    ["a duplicate key", "apiVersion: v1\nkind: ConfigMap\nkind: Secret\n"],
    ["an explicit key in a sequence", "apiVersion: v1\nkind: List\nitems:\n- ? a\n  : b\n"],
    ["an explicit key in a flow map", "apiVersion: v1\nkind: ConfigMap\nx: {? a : b}\n"],
  ])("leaves %s to the yaml package", (_, text) => {
    expect(quickManifestValues(text)).toBeUndefined();
  });

  it.each([
    ["a JSON document in a ConfigMap", "apiVersion: v1\nkind: ConfigMap\ndata:\n  config.json: \"{\n    \\\"a\\\": [1,\n      2]\n   }\"\n"],
    ["a flow sequence in a sequence entry", "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - args:\n    - [\"--a\",\n      \"--b\"]\n"],
    ["a flow mapping under a key in a sequence entry", "apiVersion: v1\nkind: List\nitems:\n- metadata: {name: a,\n    labels: {x: \"1\"}}\n"],
    ["a flow sequence closed at its key's column", "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    args: [\n        \"-x\", \"1\",\n    ]\n"],
    ["a flow sequence on the line after its key", "apiVersion: v1\nkind: Role\nrules:\n- verbs:\n    [\n      \"get\",\n      \"list\",\n    ]\n"],
    ["a single-quoted scalar folded over lines", "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: 'it''s\n    two\n    three'\n"],
  ])("reads %s, indented past its block, quickly and as the yaml package does", (_, text) => {
    expect(quickManifestValues(text)).toBeDefined();
    expect(disagreement(text)).toBeUndefined();
  });

  it("reports the syntax error of a map after a non-specific tag on its key's line", () => {
    const text = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nparameters:\n  skuname: ! Ste: Standard_LRS\n";
    const parsed = parseFile("sc.yaml", { kind: "text", text, size: text.length }, defaultParseLimits, "1.1");
    expect(parsed.findings.map((f) => [f.rule, f.line])).toEqual([["yaml/syntax", 4]]);
  });

  it("reads a question mark inside a value quickly", () => {
    expect(quickManifestValues("apiVersion: v1\nkind: ConfigMap\ndata:\n  rule: 'has(x) ? x : 1'\n  q: why?\n")?.values).toEqual([
      { apiVersion: "v1", kind: "ConfigMap", data: { rule: "has(x) ? x : 1", q: "why?" } },
    ]);
  });

  it("gives its documents the yaml package's positions, found when a finding asks", () => {
    const text = "# a comment\napiVersion: v1\nkind: Widget\nmetadata:\n  name: w\n---\n---\napiVersion: v1\nkind: Pod\nspec:\n  containers: []\n";
    const quick = parseFile("file.yaml", { kind: "text", text, size: text.length }, defaultParseLimits, "auto");
    const full = parseYaml("file.yaml", text, defaultParseLimits, "auto", []);
    expect(quick.documents.every(readQuickly)).toBe(true);
    expect(quick.documents.map((d) => d.index)).toEqual([0, 2]);
    expect(quick.documents[1]!.locate("/spec/containers")).toEqual(full[1]!.locate("/spec/containers"));
    expect(quick.documents[0]!.locate("/kind")).toEqual({ line: 3, column: 7, endLine: 3, endColumn: 13 });
    expect(quick.documents[1]!.span).toEqual(full[1]!.span);
  });
});
