import type { Document, LineCounter } from "yaml";
import type { DraftFinding, Span } from "../finding.js";
import { locatePointer, spanOf, type Target } from "./locate.js";

/** One document of a file, with a way back from any JSON pointer to its source span. */
export interface ParsedDocument {
  index: number;
  value: unknown;
  /** False when the document has parse errors: later stages must not judge a recovered guess. */
  valid: boolean;
  span: Span;
  locate(pointer: string, target?: Target): Span;
}

export interface ParsedFile {
  path: string;
  documents: ParsedDocument[];
  findings: DraftFinding[];
}

export function toParsedDocument(
  index: number,
  value: unknown,
  valid: boolean,
  doc: Document,
  lineCounter: LineCounter,
): ParsedDocument {
  return {
    index,
    value,
    valid,
    span: documentSpan(doc, lineCounter),
    locate: (pointer, target) => locatePointer(doc, lineCounter, pointer, target),
  };
}

/** Where a document starts: the first line and column of its contents. */
export function documentSpan(doc: Document, lineCounter: LineCounter): Span {
  const span = spanOf(doc.contents ?? undefined, lineCounter, doc);
  return { ...span, endLine: span.line, endColumn: span.column };
}
