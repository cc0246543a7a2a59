import { documentIdentity } from "./document-identity.js";
import type { ParsedDocument } from "./parse/parsed-document.js";
import { sameValue } from "./value-tree.js";

export interface DocumentPair {
  status: "added" | "modified" | "removed" | "unchanged";
  before?: ParsedDocument;
  after?: ParsedDocument;
}

/**
 * Pairs the documents of a file's two versions: Kubernetes objects by apiVersion/kind/namespace/name,
 * other documents by position. Unchanged pairs are kept, marked, for callers that need the full picture.
 */
export function pairDocuments(before: readonly ParsedDocument[], after: readonly ParsedDocument[]): DocumentPair[] {
  const remaining = new Map<string, ParsedDocument>();
  for (const doc of before) remaining.set(documentIdentity(doc.value, doc.index), doc);
  const pairs: DocumentPair[] = [];
  for (const doc of after) {
    const key = documentIdentity(doc.value, doc.index);
    const old = remaining.get(key);
    remaining.delete(key);
    if (!old) pairs.push({ status: "added", after: doc });
    else pairs.push({ status: sameValue(old.value, doc.value) ? "unchanged" : "modified", before: old, after: doc });
  }
  for (const doc of remaining.values()) pairs.push({ status: "removed", before: doc });
  return pairs;
}
