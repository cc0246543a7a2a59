import { LineCounter, parseAllDocuments, parseDocument, type Document, type YAMLError } from "yaml";
import type { FileContent } from "../change-set.js";
import { fileStart, type DraftFinding, type Span } from "../finding.js";
import { joinPointer, spanOfRange } from "./locate.js";
import { findTooDeep } from "./nesting-depth.js";
import type { ParseLimits } from "./parse-limits.js";
import { toParsedDocument, type ParsedDocument, type ParsedFile } from "./parsed-document.js";
import { findYamlHazards } from "./yaml-hazards.js";

/** Parses one file version into documents with positions. Never throws: problems become findings. */
export function parseFile(path: string, content: FileContent, limits: ParseLimits): ParsedFile {
  const findings: DraftFinding[] = [];
  const fail = (rule: string, message: string, span: Span = fileStart, severity: DraftFinding["severity"] = "error") =>
    findings.push({ severity, rule, message, path, source: "parse", ...span });

  if (content.kind === "too-large") {
    fail("file/too-large", `File is ${content.size} bytes, over the ${limits.maxFileBytes}-byte limit: not validated.`);
    return { path, documents: [], findings };
  }
  if (content.kind === "binary") {
    fail("file/binary", "File is binary or not valid UTF-8: a config file must be UTF-8 text.");
    return { path, documents: [], findings };
  }
  // A symlink or submodule has no content to parse; the change's judge reports it (judge-change.ts).
  if (content.kind !== "text") return { path, documents: [], findings };
  let text = content.text;
  if (text.startsWith("\uFEFF")) {
    fail("file/bom", "File starts with a byte order mark; some tools reject it. Save it as UTF-8 without BOM.",
      fileStart, "warning");
    text = text.slice(1);
  }
  const documents = isJsonPath(path) ? parseJson(path, text, findings) : parseYaml(path, text, limits, findings);
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

export function isJsonPath(path: string): boolean {
  return path.toLowerCase().endsWith(".json");
}

function parseYaml(path: string, text: string, limits: ParseLimits, findings: DraftFinding[]): ParsedDocument[] {
  const lineCounter = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, {
      lineCounter,
      uniqueKeys: true,
      prettyErrors: false,
      strict: true,
    }) as Document.Parsed[];
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
  docs.forEach((doc, index) => {
    const problems = [
      ...doc.errors.map((e) => yamlProblem(path, index, text, lineCounter, e, "error")),
      ...doc.warnings.map((e) => yamlProblem(path, index, text, lineCounter, e, "warning")),
    ];
    findings.push(...problems, ...findYamlHazards(path, index, doc, lineCounter));
    let value: unknown;
    let valid = !problems.some((p) => p.severity === "error");
    try {
      value = doc.toJS({ maxAliasCount: limits.maxAliases });
    } catch (error) {
      valid = false;
      findings.push({
        severity: "error", rule: "yaml/alias-limit", path, document: index, source: "parse",
        ...spanOfRange(lineCounter, doc.contents?.range[0] ?? doc.range[0], doc.contents?.range[0] ?? doc.range[0]),
        message: error instanceof ReferenceError
          ? `Aliases expand to more than ${limits.maxAliases} nodes (a "billion laughs" attack?): not validated.`
          : `Document could not be read: ${(error as Error).message}`,
      });
    }
    // A document that is empty or only comments reads as null: nothing to judge, as kubectl skips it.
    if (value === null && valid && problems.length === 0) return;
    documents.push(toParsedDocument(index, value, valid, doc, lineCounter));
  });
  return documents;
}

function parseJson(path: string, text: string, findings: DraftFinding[]): ParsedDocument[] {
  const lineCounter = new LineCounter();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : 0;
    // Fill the counter so offsets map to lines even though the YAML parser is not used.
    parseDocument(text, { lineCounter });
    findings.push({
      severity: "error", rule: "json/syntax", path, source: "parse",
      // V8 quotes a stretch of the input after the error ("…" is not valid JSON): it may be a secret.
      message: `Invalid JSON: ${message.replace(/,\s*"[\s\S]*" is not valid JSON$/, "").replace(/ in JSON at position \d+[\s\S]*$/, "")}`,
      ...spanOfRange(lineCounter, offset, offset),
    });
    return [];
  }
  // JSON is YAML 1.2, so the YAML parser gives positions; it also catches duplicate keys JSON.parse hides.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const duplicates = doc.errors.filter((e) => e.code === "DUPLICATE_KEY");
  findings.push(...duplicates.map((e) => yamlProblem(path, 0, text, lineCounter, e, "error")));
  return [toParsedDocument(0, value, duplicates.length === 0, doc, lineCounter)];
}

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
    const key = /^\s*("[^"]*"|'[^']*'|[^:\n]+)/.exec(text.slice(start))?.[1]?.trim() ?? "";
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
