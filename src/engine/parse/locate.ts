import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";
import type { Span } from "../finding.js";

/** Splits an RFC 6901 JSON pointer into unescaped segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === "" || pointer === "/") return pointer === "/" ? [""] : [];
  return pointer
    .slice(1)
    .split("/")
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
}

export function joinPointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => "/" + String(s).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

export type Target = "value" | "key";

/**
 * Finds the source span of a JSON pointer in a parsed YAML (or JSON) document. When the pointer goes
 * past what exists (a missing property), the closest existing ancestor is returned: that is where a
 * person has to add it. With target "key", or when the value is a map or list, a map entry's key is
 * returned instead of its value.
 */
export function locatePointer(
  doc: Document,
  lineCounter: LineCounter,
  pointer: string,
  target: Target = "value",
): Span {
  let node: unknown = doc.contents;
  let keyNode: unknown;
  for (const segment of pointerSegments(pointer)) {
    const next = child(node, segment);
    if (!next) break;
    node = next.value;
    keyNode = next.key;
  }
  // A map or list value starts at its first child, lines below its key: the key is where a person looks.
  const preferKey = target === "key" || isCollection(node);
  const chosen = preferKey && keyNode ? keyNode : node ?? keyNode;
  return spanOf(chosen as Node | undefined, lineCounter, doc);
}

function child(node: unknown, segment: string): { key: unknown; value: unknown } | undefined {
  if (isMap(node)) {
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const key = isScalar(item.key) ? item.key.value : item.key;
      if (String(key) === segment) return { key: item.key, value: item.value ?? item.key };
    }
    return undefined;
  }
  if (isSeq(node) && /^\d+$/.test(segment)) {
    const value = node.items[Number(segment)];
    return value === undefined ? undefined : { key: undefined, value };
  }
  // Aliases are not followed: the alias itself is where the reader sees the value.
  return undefined;
}

/** The span of a node; an empty document points at its first line. */
export function spanOf(node: Node | undefined, lineCounter: LineCounter, doc?: Document): Span {
  const range = node?.range ?? (isAlias(node) ? node.range : undefined) ?? doc?.range;
  if (!range) return { line: 1, column: 1, endLine: 1, endColumn: 1 };
  return spanOfRange(lineCounter, range[0], range[1]);
}

export function spanOfRange(lineCounter: LineCounter, start: number, end: number): Span {
  const from = lineCounter.linePos(start);
  const to = lineCounter.linePos(Math.max(start, end));
  return { line: from.line, column: from.col, endLine: to.line, endColumn: to.col };
}
