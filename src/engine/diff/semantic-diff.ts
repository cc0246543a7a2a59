import { kubernetesObject } from "../document-identity.js";
import type { ParsedDocument } from "../parse/parsed-document.js";
import { maskValue, type ValuePlace } from "../secrets/mask-value.js";
import { foldSecret, type Sensitivity } from "../secrets/sensitive-paths.js";
import { sameValue } from "../value-tree.js";
import type { FileDiff, ObjectDiff, SemanticDiff } from "./diff-types.js";
import { placedFieldDiff } from "./field-diff.js";

export interface DiffInput {
  path: string;
  previousPath?: string;
  /** Documents at the base; undefined when the file is new. */
  before?: readonly ParsedDocument[];
  /** Documents at the head; undefined when the file was deleted. */
  after?: readonly ParsedDocument[];
}

interface Entry {
  key: string;
  id: string;
  kind?: string;
  path: string;
  doc: ParsedDocument;
  /** The value to compare: Secrets folded, so re-encoding or moving a key between data and stringData is no change. */
  compared: unknown;
}

/**
 * Matches the objects of a change across all its files (Kubernetes objects by
 * apiVersion/kind/namespace/name, so a move to another file is a move, not a delete and an add;
 * other documents by file and position) and lists what changed, field by field, masked.
 */
export function semanticDiff(files: readonly DiffInput[], sensitivity: Sensitivity): SemanticDiff {
  const fileDiffs = new Map<string, FileDiff>();
  const pairs: { old?: Entry; head?: Entry }[] = [];
  const unmatchedBase: Entry[] = [];
  const unmatchedHead: Entry[] = [];
  for (const file of files) {
    const fileDiff: FileDiff = { path: file.path, ...(file.previousPath ? { previousPath: file.previousPath } : {}), added: 0, changed: 0, removed: 0, moved: 0, formattingOnly: false };
    fileDiffs.set(file.path, fileDiff);
    // A version that did not parse cannot be compared: the parse findings say why.
    if ([...(file.before ?? []), ...(file.after ?? [])].some((d) => !d.valid)) {
      fileDiff.unparsed = true;
      continue;
    }
    // First within the file: the same object often exists once per cluster folder, and those are
    // different objects. Only what is left is matched across files (a move).
    const before = new Map<string, Entry>();
    for (const doc of file.before ?? []) {
      const entry = entryOf(file, file.previousPath ?? file.path, doc);
      if (before.has(entry.key)) unmatchedBase.push(entry);
      else before.set(entry.key, entry);
    }
    for (const doc of file.after ?? []) {
      const head = entryOf(file, file.path, doc);
      const old = before.get(head.key);
      before.delete(head.key);
      if (old) pairs.push({ old, head });
      else unmatchedHead.push(head);
    }
    unmatchedBase.push(...before.values());
  }
  for (const head of unmatchedHead) {
    const i = head.key.startsWith("k8s:") ? unmatchedBase.findIndex((old) => old.key === head.key) : -1;
    pairs.push(i >= 0 ? { old: unmatchedBase.splice(i, 1)[0]!, head } : { head });
  }
  pairs.push(...unmatchedBase.map((old) => ({ old })));

  const objects: ObjectDiff[] = [];
  // A value is secret if it is secret where it is in either version (a Secret in a List may change places).
  const mask = (value: unknown, path: string, ...places: (ValuePlace | undefined)[]) =>
    maskValue(value, places.filter((place) => place !== undefined), path, sensitivity);
  const at = (entry: Entry, pointer: string | undefined): ValuePlace | undefined => (pointer === undefined ? undefined : { doc: entry.doc.value, pointer });
  for (const { old, head } of pairs) {
    if (!head) {
      objects.push({ id: old!.id, ...(old!.kind ? { kind: old!.kind } : {}), status: "removed", path: old!.path, document: old!.doc.index, line: old!.doc.span.line, changes: [], content: mask(old!.compared, old!.path, at(old!, "")) });
      continue;
    }
    const common = { id: head.id, ...(head.kind ? { kind: head.kind } : {}), path: head.path, document: head.doc.index, line: head.doc.span.line };
    if (!old) {
      objects.push({ ...common, status: "added", changes: [], content: mask(head.compared, head.path, at(head, "")) });
      continue;
    }
    const moved = old.path !== head.path;
    if (!moved && sameValue(old.compared, head.compared)) continue;
    const changes = placedFieldDiff(old.compared, head.compared).map(({ change, basePointer, headPointer }) => ({
      ...change,
      ...("before" in change ? { before: mask(change.before, old.path, at(old, basePointer), at(head, headPointer)) } : {}),
      ...("after" in change ? { after: mask(change.after, head.path, at(head, headPointer), at(old, basePointer)) } : {}),
    }));
    objects.push({ ...common, status: moved ? "moved" : "changed", ...(moved ? { previousPath: old.path } : {}), changes });
  }

  const summary = { added: 0, changed: 0, removed: 0, moved: 0, formattingOnlyFiles: 0 };
  // Kinds come from input: `__proto__` or `constructor` must be a kind like any other, not a prototype lookup.
  const byKind = new Map<string, SemanticDiff["byKind"][string]>();
  for (const object of objects) {
    summary[object.status]++;
    const name = object.kind ?? "(other)";
    const kind = byKind.get(name) ?? { added: 0, changed: 0, removed: 0, moved: 0 };
    byKind.set(name, kind);
    kind[object.status]++;
    const file = fileDiffs.get(object.path) ?? [...fileDiffs.values()].find((f) => f.previousPath === object.path);
    if (file) file[object.status]++;
  }
  for (const file of files) {
    const diff = fileDiffs.get(file.path)!;
    diff.formattingOnly = !diff.unparsed && file.before !== undefined && file.after !== undefined && diff.added + diff.changed + diff.removed + diff.moved === 0 && !objects.some((o) => o.previousPath === file.path);
    if (diff.formattingOnly) summary.formattingOnlyFiles++;
  }
  objects.sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line);
  return { summary, byKind: Object.fromEntries(byKind), files: [...fileDiffs.values()], objects };
}

function entryOf(file: DiffInput, path: string, doc: ParsedDocument): Entry {
  const object = kubernetesObject(doc.value);
  const single = (file.before?.length ?? 0) <= 1 && (file.after?.length ?? 0) <= 1;
  if (object) {
    const qualified = `${object.namespace ? object.namespace + "/" : ""}${object.name}`;
    return {
      key: `k8s:${object.apiVersion}/${object.kind}/${object.namespace ?? ""}/${object.name}`,
      id: `${object.apiVersion} ${object.kind} ${qualified}`,
      kind: object.kind,
      path,
      doc,
      compared: foldSecret(doc.value),
    };
  }
  // Other documents are the same document when they sit at the same place of the same file.
  return { key: `doc:${file.path}#${doc.index}`, id: single ? file.path : `${file.path}#${doc.index}`, path, doc, compared: foldSecret(doc.value) };
}
