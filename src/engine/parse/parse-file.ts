import { isMap, isScalar, LineCounter, parseAllDocuments, parseDocument, type Document, type Node, type YAMLError } from "yaml";
import type { FileContent } from "../change-set.js";
import { fileStart, type DraftFinding, type Span } from "../finding.js";
import { aliasBudget, checkAliases, type AliasProblem } from "./alias-expansion.js";
import { findDuplicateKeys } from "./duplicate-keys.js";
import { findJsonSyntaxError } from "./json-syntax.js";
import { joinPointer, locatePointer, pointerSegments, spanOf, spanOfRange, type Target } from "./locate.js";
import { findTooDeep } from "./nesting-depth.js";
import type { ParseLimits } from "./parse-limits.js";
import { documentSpan, toParsedDocument, type ParsedDocument, type ParsedFile } from "./parsed-document.js";
import { yamlOptions } from "./yaml-options.js";
import { documentTrees } from "./document-trees.js";
import { quickManifestValues, type TopLevelSpans } from "./quick-yaml.js";
import { findMergeHazards, findYamlHazards, isMergePair, type YamlVersion } from "./yaml-hazards.js";

/**
 * Which YAML a file is read as. "auto": as kubectl reads it (YAML 1.1, see kubectl-yaml-schema.ts)
 * when it is a Kubernetes manifest, i.e. a document's top-level map has an `apiVersion` or `kind` key;
 * YAML 1.2 otherwise. JSON is always JSON.
 */
export type YamlReading = "auto" | YamlVersion;

/** Parses one file version into documents with positions. Never throws: problems become findings. */
export function parseFile(path: string, content: FileContent, limits: ParseLimits, reading: YamlReading = "1.2"): ParsedFile {
  const findings: DraftFinding[] = [];
  const fail = (rule: string, message: string, span: Span = fileStart, severity: DraftFinding["severity"] = "error") =>
    findings.push({ severity, rule, message, path, source: "parse", ...span });

  if (content.kind === "too-large") {
    fail("file/too-large", `File is ${content.size} bytes, over the ${limits.maxFileBytes}-byte limit: not validated.`);
    return { path, documents: [], findings };
  }
  if (content.kind === "binary") {
    fail("file/binary", "File is binary (it holds a NUL byte), so no YAML or JSON reader can read it: a config file must be UTF-8 text.");
    return { path, documents: [], findings };
  }
  // A symlink or submodule has no content to parse; the change's judge reports it (judge-change.ts).
  if (content.kind !== "text") return { path, documents: [], findings };
  let text = content.text;
  if (content.encoding) {
    const invalid = content.encoding === "invalid-utf-8";
    fail("file/encoding", invalid
      ? "File is not valid UTF-8 (a byte here is not): judged as kubectl reads it, each such byte as U+FFFD; other tools may refuse it or read it otherwise. Save it as UTF-8."
      : `File is ${content.encoding === "utf-16le" ? "UTF-16 (little-endian)" : "UTF-16 (big-endian)"} with a byte order mark: judged as kubectl decodes it; other tools may refuse it or read it otherwise. Save it as UTF-8.`,
    invalid ? spanAt(text, Math.max(0, text.indexOf("\uFFFD"))) : fileStart, "warning");
  }
  if (text.startsWith("\uFEFF")) {
    fail("file/bom", "File starts with a byte order mark; some tools reject it. Save it as UTF-8 without BOM.",
      fileStart, "warning");
    text = text.slice(1);
  }
  const bomb = nestingBomb(text, limits.maxDepth * 100);
  if (bomb !== undefined) {
    // Not parsed at all: the parsers would build the whole tree (a million levels is gigabytes) before
    // findTooDeep could look at it.
    fail("yaml/too-deep", `Nesting deeper than ${limits.maxDepth} levels: not validated.`, spanAt(text, bomb));
    return { path, documents: [], findings };
  }
  const json = isJsonPath(path);
  if (!json) {
    const breakAt = foreignLineBreak(text);
    if (breakAt) fail("yaml/line-break", breakAt.message, breakAt.span);
    // A byte order mark where a line starts (a later document's first key, say) is part of that key
    // to YAML readers here, and dropped by kubectl: `\uFEFFkind` would hide a Pod's kind from every policy.
    // Only at a line's first column: go-yaml skips a mark there; an indented one is text to every reader.
    const mark = /(?:^|\n)\uFEFF/.exec(text);
    if (mark) fail("yaml/byte-order-mark", "A byte order mark (U+FEFF) inside the file: kubectl drops it, other YAML readers keep it as part of the key or value it starts, so what is validated is not what is applied. Remove it.", spanAt(text, mark.index + mark[0].length - 1));
  }
  const documents = json ? parseJson(path, text, findings) : quickYaml(text, limits, reading, path) ?? parseYaml(path, text, limits, reading, findings);
  // Offsets were computed without the BOM; it sits before line 1 column 1, so positions are unchanged.
  for (const doc of documents) {
    if (!doc.valid) continue;
    const deep = findTooDeep(doc.value, limits.maxDepth);
    if (deep) {
      fail("yaml/too-deep", `Nesting deeper than ${limits.maxDepth} levels: not validated.`,
        doc.locate(joinPointer(deep)));
      doc.valid = false;
    }
  }
  return { path, documents, findings };
}

/**
 * The first line break that YAML readers disagree on: a carriage return not followed by a line feed,
 * NEL, or the Unicode line and paragraph separators. go-yaml (kubectl, Argo CD, Flux, Helm) ends a line
 * at each, the `yaml` package Gitgate judges with does not, so a comment may hide, from everything
 * but the cluster, a key written after one (`# hardened\r  privileged: true`). Judged on what Gitgate
 * reads it would be a silent pass: an error instead.
 */
function foreignLineBreak(text: string): { message: string; span: Span } | undefined {
  // `\r\r\n` (line endings converted twice) hides nothing: a line break follows anyway.
  const match = /\r(?!\r*\n)|[\u0085\u2028\u2029]/.exec(text);
  if (!match) return undefined;
  const name = match[0] === "\r" ? "a carriage return (U+000D) without a line feed" : `U+${match[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
  return {
    span: spanAt(text, match.index),
    message: `Line break ${name}: YAML readers disagree on it (go-yaml, which kubectl, Argo CD and Flux use, starts a new line there; ` +
      "the reader Gitgate judges with does not), so what is validated may not be what is applied (text after it in a comment is applied). " +
      "Remove it, or end lines with \\n only.",
  };
}

/** The one-character span at an offset of the text. */
function spanAt(text: string, offset: number): Span {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return { line, column, endLine: line, endColumn: column + 1 };
}

/**
 * Where a file nests past `cap` levels in the text itself, before any parser builds the tree: open
 * brackets not yet closed (`[[[[…`, in YAML and JSON), or compact entries and explicit keys on one line
 * (`- - ? - x` is four levels deep). Characters are counted wherever they are, quoted or not: no real
 * file comes near a cap a hundred times the deepest nesting Gitgate judges.
 */
function nestingBomb(text: string, cap: number): number | undefined {
  if (text.length <= cap || !mayNestPast(text, cap)) return undefined;
  let open = 0;
  let entries = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++open > cap) return i;
    } else if (c === 0x5d || c === 0x7d) {
      if (open > 0) open--;
    }
    const next = text.charCodeAt(i + 1);
    if ((c === 0x2d || c === 0x3f) && (next === 0x20 || next === 0x09)) {
      if (++entries > cap) return i;
      i++;
    } else if (c !== 0x20 && c !== 0x09) {
      entries = 0;
    }
  }
  return undefined;
}

/**
 * False when `text` cannot nest past `cap` levels: it holds at most `cap` open brackets in all, and no
 * run of compact entries (`- - ? `) anywhere near `cap` long. Both are searched by V8's native string
 * code; walking every character, as nestingBomb does, was 5% of the time a large validate spent judging.
 */
function mayNestPast(text: string, cap: number): boolean {
  return openBracketsOver(text, cap) || longestEntryRunOver(text, Math.min(cap, 64));
}

function openBracketsOver(text: string, cap: number): boolean {
  let count = 0;
  for (const bracket of ["[", "{"]) {
    for (let at = text.indexOf(bracket); at !== -1; at = text.indexOf(bracket, at + 1)) {
      if (++count > cap) return true;
    }
  }
  return false;
}

/**
 * Whether some run of two or more compact entries is long enough to hold `entries` of them (each is
 * two characters at least). Each run is matched once, from its start, so the search is linear however
 * the text is made. A run of millions of entries overflows the regular expression engine's stack: it
 * may nest past the cap, so the walk decides.
 */
function longestEntryRunOver(text: string, entries: number): boolean {
  try {
    for (const run of text.matchAll(/(?:[-?][ \t]+){2,}/g)) {
      if (run[0].length >= 2 * entries) return true;
    }
  } catch (error) {
    if (error instanceof RangeError) return true;
    throw error;
  }
  return false;
}

export function isJsonPath(path: string): boolean {
  return path.toLowerCase().endsWith(".json");
}

/** A line that starts a top-level `apiVersion:` or `kind:` key: most likely a Kubernetes manifest. */
function looksLikeManifest(text: string): boolean {
  return /^(?:apiVersion|kind|<<)[ \t]*:/m.test(text);
}

/**
 * A manifest read by the quick reader (quick-yaml.ts), or undefined when it declines. Its documents
 * have nothing to report. Where a document starts and where its top-level keys are, the quick reader
 * noted as it read; any other position, needed only for a finding, comes from the `yaml` package's
 * tree of that document, composed the first time one is asked for.
 */
function quickYaml(text: string, limits: ParseLimits, reading: YamlReading, path: string): ParsedDocument[] | undefined {
  if (reading === "1.2" || (reading === "auto" && !looksLikeManifest(text))) return undefined;
  const quick = quickManifestValues(text);
  if (!quick || quick.values.length > limits.maxDocuments) return undefined;
  // As parseYaml decides: "auto" reads YAML 1.1 only when a document is a manifest.
  if (reading === "auto" && !quick.values.some(isManifestValue)) return undefined;
  // A manifest read quickly is YAML 1.1, whichever way the reading was asked for.
  let trees: ReturnType<typeof documentTrees> | undefined;
  const positioned = (index: number) => {
    trees ??= documentTrees(text, "1.1");
    const tree = trees(index);
    if (!tree) throw new Error(`${path}: the two YAML readers disagree on document ${index}`);
    return tree;
  };
  const documents: ParsedDocument[] = [];
  quick.values.forEach((value, index) => {
    // As parseYaml: an empty document, or one that is only comments or `null`, is nothing to judge.
    if (value === null) return;
    const top = quick.spans[index];
    documents.push({
      index,
      value,
      valid: true,
      get span() {
        if (top) return { ...top.start };
        const { doc, lineCounter } = positioned(index);
        return documentSpan(doc, lineCounter);
      },
      locate: (pointer, target) => {
        const known = top && topLevelSpan(top, pointer, target);
        if (known) return { ...known };
        const { doc, lineCounter } = positioned(index);
        return locatePointer(doc, lineCounter, pointer, target);
      },
    });
  });
  return documents;
}

/** locatePointer for a top-level key the quick reader noted; undefined for any other pointer. */
function topLevelSpan(top: TopLevelSpans, pointer: string, target: Target = "value"): Span | undefined {
  const segments = pointerSegments(pointer);
  const entry = segments.length === 1 ? top.keys.get(segments[0]!) : undefined;
  if (!entry) return undefined;
  // As locatePointer: a map or list value is shown at its key.
  return target === "key" || entry.collection ? entry.key : entry.value;
}

/** isManifest on a value: a map with an `apiVersion` or `kind` key. */
export function isManifestValue(value: unknown): boolean {
  return value !== null && typeof value === "object" && !Array.isArray(value) && (Object.hasOwn(value, "apiVersion") || Object.hasOwn(value, "kind"));
}

/**
 * Reads YAML with the `yaml` package alone: what parseFile does for every file the quick reader
 * declines, and what gives the quick reader's documents their positions.
 */
export function parseYaml(path: string, text: string, limits: ParseLimits, reading: YamlReading, findings: DraftFinding[]): ParsedDocument[] {
  const lineCounter = new LineCounter();
  let docs: Document.Parsed[];
  // "auto" guesses from the text (a top-level apiVersion or kind key) so that a manifest is parsed once,
  // then checks the guess on the parsed documents and reads the file again only when it was wrong.
  let version: YamlVersion = reading === "1.1" || (reading === "auto" && looksLikeManifest(text)) ? "1.1" : "1.2";
  try {
    docs = parseAllDocuments(text, { lineCounter, ...yamlOptions[version] }) as Document.Parsed[];
    if (reading === "auto" && Array.isArray(docs) && docs.some(isManifest) !== (version === "1.1")) {
      version = version === "1.1" ? "1.2" : "1.1";
      docs = []; // let the first reading go before the second is built
      // The text is the same, so are the documents' spans: positions come from the first counter.
      docs = parseAllDocuments(text, { lineCounter: new LineCounter(), ...yamlOptions[version] }) as Document.Parsed[];
    }
  } catch (error) {
    findings.push(crashFinding(path, error));
    return [];
  }
  // parseAllDocuments returns an EmptyStream (not an array) for text with no documents.
  if (!Array.isArray(docs)) return [];
  if (docs.length > limits.maxDocuments) {
    findings.push({
      severity: "error", rule: "file/too-many-documents", path, source: "parse", ...fileStart,
      message: `Stream has ${docs.length} documents, over the limit of ${limits.maxDocuments}: not validated.`,
    });
    return [];
  }
  const documents: ParsedDocument[] = [];
  const budget = { remaining: aliasBudget(docs, limits.aliasNodeFloor) };
  const allowed = budget.remaining;
  docs.forEach((doc, index) => {
    const problems = [
      ...withDuplicateKeys(doc).map((e) => yamlProblem(path, index, text, lineCounter, e, "error")),
      ...doc.warnings.map((e) => yamlProblem(path, index, text, lineCounter, e, "warning")),
    ];
    findings.push(...problems, ...findYamlHazards(path, index, doc, lineCounter, version));
    let value: unknown;
    let valid = !problems.some((p) => p.severity === "error");
    // Aliases are counted before anything expands them: toJS itself keeps them as shared references,
    // but the diff, the schemas, the policies and the report all walk the expanded tree.
    const aliasProblem = checkAliases(doc, budget, limits.maxAliases);
    if (aliasProblem) {
      valid = false;
      findings.push({
        severity: "error", rule: aliasProblem.kind === "unresolved" ? "yaml/syntax" : "yaml/alias-limit",
        path, document: index, source: "parse", ...spanOf(aliasProblem.alias as Node, lineCounter, doc),
        message: aliasMessage(aliasProblem, allowed, limits.maxAliases),
      });
    } else {
      if (version === "1.1") {
        const merges = findMergeHazards(path, index, doc, lineCounter);
        findings.push(...merges);
        if (merges.some((f) => f.severity === "error")) valid = false;
      }
      try {
        value = doc.toJS({ maxAliasCount: -1 });
      } catch (error) {
        valid = false;
        findings.push({
          severity: "error", rule: "yaml/syntax", path, document: index, source: "parse",
          ...spanOf(doc.contents ?? undefined, lineCounter, doc),
          message: `Document could not be read: ${(error as Error).message}`,
        });
      }
    }
    // A document that is empty or only comments reads as null: nothing to judge, as kubectl skips it.
    if (value === null && valid && problems.length === 0) return;
    documents.push(toParsedDocument(index, value, valid, doc, lineCounter));
  });
  return documents;
}

/**
 * A document whose top-level map has an `apiVersion` or `kind` key, or a `<<` merge key that may bring
 * them: kubectl merges `<<` (YAML 1.1), so `<<: {kind: Secret}` is a Secret and is read as kubectl reads it.
 */
function isManifest(doc: Document): boolean {
  return isMap(doc.contents) && doc.contents.items.some((pair) => isMergePair(pair.key) || (isScalar(pair.key) && (pair.key.value === "apiVersion" || pair.key.value === "kind")));
}

/** The document's errors with its duplicate keys, in the order of the text. */
function withDuplicateKeys(doc: Document): YAMLError[] {
  const duplicates = findDuplicateKeys(doc);
  if (duplicates.length === 0) return doc.errors;
  return [...doc.errors, ...duplicates].sort((a, b) => a.pos[0] - b.pos[0]);
}

function aliasMessage(problem: AliasProblem, allowed: number, maxAliases: number): string {
  switch (problem.kind) {
    case "budget":
      return `Aliases expand to more than ${allowed} extra nodes in this file (a "billion laughs" attack?): not validated.`;
    case "too-many":
      return `More than ${maxAliases} aliases in one document: not validated.`;
    case "unresolved":
      return `Alias *${problem.alias.source} has no anchor &${problem.alias.source} before it.`;
  }
}

function parseJson(path: string, text: string, findings: DraftFinding[]): ParsedDocument[] {
  const lineCounter = new LineCounter();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const { offset, description } = findJsonSyntaxError(text, (error as Error).message);
    // Fill the counter so offsets map to lines even though the YAML parser is not used.
    lineCounter.addNewLine(0);
    for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) lineCounter.addNewLine(at + 1);
    const span = spanOfRange(lineCounter, offset, offset);
    findings.push({
      severity: "error", rule: "json/syntax", path, source: "parse", ...span,
      // Built from the position alone: V8's message quotes the input, which may be a secret.
      message: `Invalid JSON: ${description} at line ${span.line}, column ${span.column}.`,
    });
    return [];
  }
  // JSON is YAML 1.2, so the YAML parser gives positions; it also catches duplicate keys JSON.parse hides.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const duplicates = findDuplicateKeys(doc);
  findings.push(...duplicates.map((e) => yamlProblem(path, 0, text, lineCounter, e, "error")));
  return [toParsedDocument(0, value, duplicates.length === 0, doc, lineCounter)];
}

const maxKeyShown = 200;

const ruleByCode: Partial<Record<string, string>> = {
  DUPLICATE_KEY: "yaml/duplicate-key",
  TAB_AS_INDENT: "yaml/tab-indent",
  TAG_RESOLVE_FAILED: "yaml/unknown-tag",
  RESOURCE_EXHAUSTION: "yaml/too-deep",
};

function yamlProblem(
  path: string,
  index: number,
  text: string,
  lineCounter: LineCounter,
  error: YAMLError,
  severity: "error" | "warning",
): DraftFinding {
  const rule = ruleByCode[error.code] ?? "yaml/syntax";
  const [start, end] = error.pos;
  let message = firstLine(error.message);
  if (error.code === "DUPLICATE_KEY") {
    // A bounded window: the key is read from the text once per duplicate, and there may be thousands.
    const key = /^\s*("[^"]*"|'[^']*'|[^:\n]+)/.exec(text.slice(start, start + maxKeyShown))?.[1]?.trim() ?? "";
    message = `Duplicate key ${key}: tools disagree on which value wins. Keep one.`;
  } else if (error.code === "TAG_RESOLVE_FAILED") {
    message = `${message}: Kubernetes and Helm do not know this tag. Remove it or quote the value.`;
  } else if (error.code === "RESOURCE_EXHAUSTION") {
    message = "Nesting too deep to parse: not validated.";
  }
  return {
    // Unknown tags are only a warning to the parser, but they change what the value is: an error.
    severity: error.code === "TAG_RESOLVE_FAILED" ? "error" : severity,
    rule,
    message,
    path,
    document: index,
    source: "parse",
    ...spanOfRange(lineCounter, start, end),
  };
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}

function crashFinding(path: string, error: unknown): DraftFinding {
  return {
    severity: "error", rule: "yaml/syntax", path, source: "parse", ...fileStart,
    message: `File could not be parsed: ${(error as Error).message}`,
  };
}
