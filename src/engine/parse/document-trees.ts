import { Composer, LineCounter, Parser, type CST, type Document } from "yaml";
import type { YamlVersion } from "./yaml-hazards.js";
import { yamlOptions } from "./yaml-options.js";

export interface DocumentTree {
  doc: Document;
  lineCounter: LineCounter;
}

/**
 * The `yaml` package's syntax tree of one document of a text, by its index in the stream: what gives a
 * document read by the quick reader (quick-yaml.ts) its positions when a finding asks for one. The text
 * is split into documents once (the package's own parser); only the documents asked for are composed,
 * and nothing is checked or converted to values again: that reading has already been done.
 */
export function documentTrees(text: string, version: YamlVersion): (index: number) => DocumentTree | undefined {
  const lineCounter = new LineCounter();
  const documents: CST.Document[] = [];
  for (const token of new Parser(lineCounter.addNewLine).parse(text)) {
    // Each document token is one document of the stream, in order: the index parseAllDocuments gives it.
    if (token.type === "document") documents.push(token);
  }
  const composed = new Map<number, DocumentTree | undefined>();
  return (index) => {
    if (!composed.has(index)) {
      const token = documents[index];
      const composer = new Composer(yamlOptions[version]);
      const doc = token ? [...composer.next(token), ...composer.end()][0] : undefined;
      composed.set(index, doc ? { doc, lineCounter } : undefined);
    }
    return composed.get(index);
  };
}
