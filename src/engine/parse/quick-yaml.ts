import { FAILSAFE_SCHEMA, loadAll, Type, type EventType, type State } from "js-yaml";
import type { Span } from "../finding.js";
import { goYamlNumber } from "./kubectl-yaml-schema.js";

// Why there are two YAML readers. The `yaml` package (parse-file.ts) is the judge of YAML: it gives
// positions, every syntax error, duplicate keys, alias budgets and the YAML 1.1/1.2 hazards. It is also
// most of the time Gitgate spends on a repository: it builds a syntax tree for every document. Most
// manifests need none of that: they are plain maps of plain values with nothing to report. js-yaml reads
// those about five times faster, straight to values.
//
// So a manifest is first read here, and only when the reading is *plainly the same* as the `yaml`
// package's would be: no anchors, aliases, tags, directives, merge keys, explicit keys, empty or null-like
// keys, ambiguous YAML 1.1 words or special floats, and no error of either reader. Anything else, and any
// js-yaml error, declines: the file is read by the `yaml` package as before. Positions are never taken
// from here: a finding that needs one reads the file again with the `yaml` package (see parse-file.ts),
// which also keeps this reader out of everything a person sees. test/engine/parse/quick-yaml.test.ts
// holds the two readers to the same values on the real corpus and on mutated YAML.

/** Thrown from a scalar resolver: the word reads differently in YAML 1.1 and 1.2, or is a merge key. */
class Declined extends Error {}

// Directives, explicit keys (`? `) and a carriage return alone (a line break the two readers do not
// agree on): only ever read by the `yaml` package. A screen on the text, so it may decline more than it
// must (a line of a block scalar that starts with `? `), never less. Anchors and tags are declined as
// js-yaml meets them. Each character is looked for first: a pattern tried at every offset of a large
// file costs more than reading it.
function unusual(text: string): boolean {
  return (text.includes("%") && /^%/m.test(text)) || (text.includes("\r") && /\r(?!\n)/.test(text)) || hasExplicitKey(text);
}

/**
 * A `?` followed by a blank where a key may start: first on its line (after `- `s) or after `{`, `[` or
 * `,`. Looks back from each `?` only over blanks and dashes, so the scan stays linear in the text.
 */
function hasExplicitKey(text: string): boolean {
  const blank = (at: number) => isBlank(text, at);
  for (let at = text.indexOf("?"); at !== -1; at = text.indexOf("?", at + 1)) {
    if (at + 1 < text.length && !blank(at + 1) && text[at + 1] !== "\n" && text[at + 1] !== "\r") continue;
    let i = at - 1;
    while (i >= 0 && blank(i)) i--;
    if (i >= 0 && (text[i] === "{" || text[i] === "[" || text[i] === ",")) return true;
    while (i >= 0 && text[i] === "-" && blank(i + 1)) {
      i--;
      while (i >= 0 && blank(i)) i--;
    }
    if (i < 0 || text[i] === "\n") return true;
  }
  return false;
}

/** A space or a tab: YAML's blanks. */
function isBlank(text: string, at: number): boolean {
  return text[at] === " " || text[at] === "\t";
}

// The YAML 1.1 words go-yaml v2 turns into booleans other than true/false, `<<`, and .inf/.nan: each
// either gets a hazard finding or is resolved by a tag of its own in the `yaml` package.
const ambiguous = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|<<|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const nullWord = /^(?:~|[Nn]ull|NULL)?$/;
const boolWord = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;

/**
 * The plain-scalar rules of kubectl's YAML 1.1 reading (kubectl-yaml-schema.ts), for js-yaml: null,
 * true/false, go-yaml v2's numbers, everything else a string; words with a hazard decline.
 */
const tags = { declined: "tag:gitgate:declined", null: "tag:yaml.org,2002:null", bool: "tag:yaml.org,2002:bool", number: "tag:yaml.org,2002:int" };
const kubectlQuickSchema = FAILSAFE_SCHEMA.extend({
  implicit: [
    new Type(tags.declined, {
      kind: "scalar",
      resolve: (text: string) => {
        if (ambiguous.test(text)) throw new Declined(text);
        return false;
      },
    }),
    new Type(tags.null, { kind: "scalar", resolve: (text: string) => nullWord.test(text), construct: () => null }),
    new Type(tags.bool, { kind: "scalar", resolve: (text: string) => boolWord.test(text), construct: (text: string) => text[0] === "t" || text[0] === "T" }),
    new Type(tags.number, { kind: "scalar", resolve: (text: string) => goYamlNumber(text) !== undefined, construct: (text: string) => goYamlNumber(text)!.value }),
  ],
});
/** The tags a node has when nothing but the schema above gave it one: anything else was written. */
const untagged = new Set<string | null>([null, "?", "!", ...Object.values(tags)]);

/** Where a document starts, and where its top-level keys and their values on the same line are. */
export interface TopLevelSpans {
  start: Span;
  keys: Map<string, { key: Span; value?: Span; collection: boolean }>;
}

export interface QuickReading {
  /** The documents' values, in stream order; `null` for an empty or null document. */
  values: unknown[];
  /** Per document, when it is a block mapping: its top-level spans (what most findings point at). */
  spans: (TopLevelSpans | undefined)[];
}

/**
 * A manifest's documents as kubectl reads them (YAML 1.1), or undefined when this reader declines the
 * text (see above).
 */
export function quickManifestValues(text: string): QuickReading | undefined {
  if (unusual(text)) return undefined;
  const watch = nodeWatch();
  let values: unknown[];
  try {
    values = loadAll(text, undefined, { schema: kubectlQuickSchema, listener: watch.listener });
  } catch {
    // A syntax error, a duplicate key, a hazard, a nesting too deep for js-yaml: the `yaml` package says which.
    return undefined;
  }
  if (!values.every(plainKeys) || watch.spans.length !== values.length) return undefined;
  return { values, spans: watch.spans };
}

/**
 * js-yaml's events on every node. They decline at the end of a node that has an anchor (aliases, and so
 * alias budgets, are the `yaml` package's) or an explicit tag, and at a quoted scalar or a flow
 * collection that spans lines unless multiLineFlowIsPlain says its lines are plainly indented: js-yaml
 * takes their continuation lines at any indentation, the `yaml` package (and YAML) only deeper than the
 * block they are in. Such a node ends right after its closing quote or bracket; a block collection ends
 * past the blank space after its last entry, so it is not mistaken for one.
 *
 * They also note where each document starts and, in a document that is a block mapping, where its
 * top-level keys are and their values when on the key's line: a key's node opens at its first
 * character, a value's right after the `:`, and each ends past its last character (and maybe blanks).
 */
function nodeWatch() {
  // `start`: where the node's text starts; `inFlow`: opened inside a flow collection, whose own lines
  // are checked when it closes.
  const opened: { line: number; lineStart: number; position: number; start: number; inFlow: boolean; flow: boolean }[] = [];
  const spans: (TopLevelSpans | undefined)[] = [];
  let top: TopLevelSpans | undefined;
  let key: { name: string; span: Span } | undefined;
  let flowDepth = 0;
  const listener = (event: EventType, reading: State) => {
    const state = reading as ListenerState;
    if (event === "open") {
      const start = nodeStart(state.input, state.position);
      const flow = state.input[start] === "{" || state.input[start] === "[";
      opened.push({ line: state.line, lineStart: state.lineStart, position: state.position, start, inFlow: flowDepth > 0, flow });
      if (flow) flowDepth++;
      if (opened.length === 1) {
        top = { start: spanOn(state.line, state.lineStart, state.position, state.position), keys: new Map() };
        key = undefined;
      }
      return;
    }
    if (state.anchor !== null || !untagged.has(state.tag)) throw new Declined("an anchor or a tag");
    const depth = opened.length;
    const from = opened.pop()!;
    // js-yaml gives quoted and flow nodes the non-specific tag too, so one written in the text is told
    // apart by where the node starts: js-yaml lets a map follow it on its key's line, YAML does not.
    if (state.tag === "!" && state.input[from.start] === "!") throw new Declined("a non-specific tag");
    if (from.flow) flowDepth--;
    const sameLine = from.line === state.line;
    if (!sameLine && !from.inFlow) {
      const last = state.input.charCodeAt(state.position - 1);
      const flowNode = last === 0x22 /* " */ || last === 0x27 /* ' */ || last === 0x5d /* ] */ || last === 0x7d; /* } */
      if (flowNode && !multiLineFlowIsPlain(state.input, from.start, state.position)) throw new Declined("a flow node on several lines");
    }
    if (depth === 1) {
      spans.push(state.kind === "mapping" && state.input[from.position] !== "{" ? top : undefined);
      return;
    }
    if (depth !== 2 || !top) return;
    let end = state.position;
    if (key === undefined) {
      while (end > from.position && isBlank(state.input, end - 1)) end--;
      if (!sameLine) top = undefined;
      else key = { name: String(state.result), span: spanOn(from.line, from.lineStart, from.position, end) };
      return;
    }
    const collection = state.kind === "mapping" || state.kind === "sequence";
    let start = from.position;
    while (isBlank(state.input, start)) start++;
    while (end > start && isBlank(state.input, end - 1)) end--;
    const onKeyLine = sameLine && end > start && state.input[start] !== "#";
    top.keys.set(key.name, { key: key.span, collection, ...(onKeyLine && !collection ? { value: spanOn(from.line, from.lineStart, start, end) } : {}) });
    key = undefined;
  };
  return { listener, spans };
}

/** Where the node js-yaml opens at `at` starts: past blanks, line breaks and comments. */
function nodeStart(text: string, at: number): number {
  for (;;) {
    const char = text[at];
    if (char === " " || char === "\t" || char === "\n" || char === "\r") at++;
    else if (char === "#") {
      const end = text.indexOf("\n", at);
      if (end === -1) return text.length;
      at = end + 1;
    } else return at;
  }
}

/**
 * Whether a quoted scalar or flow collection from `start` (its opening quote or bracket) to `end`
 * (past its closing one), on several lines, reads the same in both readers because every line after
 * the first is indented past the block that holds the node, in spaces (the `yaml` package also takes a
 * flow collection's closing bracket at the block's own column). The block is found in the shapes that
 * hold nearly all such nodes: a plain key (`  key: "…`, maybe after `- `), a sequence entry (`  - [ …`),
 * or a plain key alone on the line before the node. Anything else declines, as do a tab, an empty line
 * or a comment at the start of a continuation line: the readers may disagree on those, and they are rare.
 */
function multiLineFlowIsPlain(text: string, start: number, end: number): boolean {
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  const before = text.slice(lineStart, start);
  const block = blockColumn(text, lineStart, before);
  if (block === undefined) return false;
  const closedByBracket = text[end - 1] === "]" || text[end - 1] === "}";
  for (let at = text.indexOf("\n", start); at !== -1 && at < end; at = text.indexOf("\n", at + 1)) {
    let first = at + 1;
    while (text[first] === " ") first++;
    const indent = first - at - 1;
    const char = text[first];
    if (char === "\t" || char === "\n" || char === "\r" || char === "#" || char === undefined) return false;
    if (indent <= block && !(indent === block && closedByBracket && first === end - 1)) return false;
  }
  return true;
}

const plainKeyLine = /^( *(?:- +)*)[A-Za-z0-9_./][A-Za-z0-9_./-]*: +$/;
const entryLine = /^ *(?:- +)*- +$/;
const plainKeyAlone = /^( *(?:- +)*)[A-Za-z0-9_./][A-Za-z0-9_./-]*: *$/;

/** The column of the key or the entry dash that holds a node whose first line is `before` up to it. */
function blockColumn(text: string, lineStart: number, before: string): number | undefined {
  const keyed = plainKeyLine.exec(before);
  if (keyed) return keyed[1]!.length;
  if (entryLine.test(before)) return before.trimEnd().length - 1;
  if (!/^ *$/.test(before) || lineStart === 0) return undefined;
  // The node on a line of its own: its key must be alone on the line before, and less indented.
  const previousStart = text.lastIndexOf("\n", lineStart - 2) + 1;
  const owner = plainKeyAlone.exec(text.slice(previousStart, lineStart - 1));
  return owner && before.length > owner[1]!.length ? owner[1]!.length : undefined;
}

/** A span within one line (js-yaml counts lines from 0, offsets in UTF-16 code units, as the `yaml` package). */
function spanOn(line: number, lineStart: number, start: number, end: number): Span {
  return { line: line + 1, column: start - lineStart + 1, endLine: line + 1, endColumn: end - lineStart + 1 };
}

/** What js-yaml's listener is shown of a node, beyond what its type definitions say. */
type ListenerState = State & { anchor: string | null; tag: string | null; kind: string | null };

/** Longest implicit key the `yaml` package reads without an error (YAML's own limit). */
const maxKeyLength = 1024;

/**
 * No key the two readers could turn into different strings: js-yaml stringifies a null key as "null",
 * the `yaml` package as ""; `__proto__` is set differently by each; a key past YAML's length limit is an
 * error only to the `yaml` package. Iterative: the value may be deep.
 */
function plainKeys(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== "object") continue;
    if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      if (nullWord.test(key) || key === "__proto__" || key.length > maxKeyLength) return false;
      stack.push(item);
    }
  }
  return true;
}
