import { joinPointer } from "../parse/locate.js";
import { isRecord, sameValue } from "../value-tree.js";
import type { FieldChange } from "./diff-types.js";

/** A step into a value: `label` is how a person writes it, `[name]` or `[0]` for a list item. */
type Segment = { key: string | number; label: string };

/** A field change with where the field is in each version, for masking by either. */
export interface PlacedChange {
  change: FieldChange;
  /** Pointer in the base version (none for an added field). */
  basePointer?: string;
  /** Pointer in the head version (none for a removed field). */
  headPointer?: string;
}

type Task = { before: unknown; after: unknown; headPath: Segment[]; basePath: Segment[] } | { emit: PlacedChange };

/**
 * Field-level differences between two values. Maps are compared key by key; lists of named items
 * (containers, env, ports, volumes, …: every item a map with a string `name`) are matched by name, so
 * reordering them is no change and a changed item shows as that item; other lists by position.
 */
export function fieldDiff(before: unknown, after: unknown): FieldChange[] {
  return placedFieldDiff(before, after).map((placed) => placed.change);
}

/**
 * `fieldDiff` with both pointers of each change. Iterative, in document order: no document, however
 * deep, can overflow the stack.
 */
export function placedFieldDiff(before: unknown, after: unknown): PlacedChange[] {
  const out: PlacedChange[] = [];
  const stack: Task[] = [{ before, after, headPath: [], basePath: [] }];
  while (stack.length > 0) {
    const task = stack.pop()!;
    if ("emit" in task) {
      out.push(task.emit);
      continue;
    }
    const { before: old, after: neu, headPath, basePath } = task;
    if (sameValue(old, neu)) continue;
    const next: Task[] = [];
    const removed = (path: Segment[], value: unknown) => next.push({ emit: { change: change("removed", path, value, undefined), basePointer: pointerOf(path) } });
    const added = (path: Segment[], value: unknown) => next.push({ emit: { change: change("added", path, undefined, value), headPointer: pointerOf(path) } });
    if (isRecord(old) && isRecord(neu)) {
      for (const key of new Set([...Object.keys(old), ...Object.keys(neu)])) {
        const segment = { key, label: key };
        if (!Object.hasOwn(neu, key)) removed([...basePath, segment], old[key]);
        else if (!Object.hasOwn(old, key)) added([...headPath, segment], neu[key]);
        else next.push({ before: old[key], after: neu[key], headPath: [...headPath, segment], basePath: [...basePath, segment] });
      }
    } else if (Array.isArray(old) && Array.isArray(neu)) {
      if (isNamedList(old) && isNamedList(neu)) {
        const positions = new Map(old.map((item, i) => [item.name, i]));
        const seen = new Set<string>();
        neu.forEach((item, i) => {
          seen.add(item.name);
          const j = positions.get(item.name);
          const head = { key: i, label: `[${item.name}]` };
          if (j === undefined) added([...headPath, head], item);
          else next.push({ before: old[j], after: item, headPath: [...headPath, head], basePath: [...basePath, { key: j, label: `[${item.name}]` }] });
        });
        old.forEach((item, j) => {
          if (!seen.has(item.name)) removed([...basePath, { key: j, label: `[${item.name}]` }], item);
        });
      } else {
        for (let i = 0; i < Math.max(old.length, neu.length); i++) {
          const segment = { key: i, label: `[${i}]` };
          if (i >= neu.length) removed([...basePath, segment], old[i]);
          else if (i >= old.length) added([...headPath, segment], neu[i]);
          else next.push({ before: old[i], after: neu[i], headPath: [...headPath, segment], basePath: [...basePath, segment] });
        }
      }
    } else {
      next.push({ emit: { change: change("changed", headPath, old, neu), headPointer: pointerOf(headPath), basePointer: pointerOf(basePath) } });
    }
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]!);
  }
  return out;
}

function pointerOf(path: Segment[]): string {
  return joinPointer(path.map((s) => s.key));
}

function change(op: FieldChange["op"], path: Segment[], before: unknown, after: unknown): FieldChange {
  return {
    field: fieldLabel(path),
    pointer: pointerOf(path),
    op,
    ...(op !== "added" ? { before } : {}),
    ...(op !== "removed" ? { after } : {}),
  };
}

function fieldLabel(path: Segment[]): string {
  return path.reduce((label, s) => (typeof s.key === "number" ? label + s.label : /^[\w-]+$/.test(s.label) ? (label ? `${label}.${s.label}` : s.label) : `${label}[${JSON.stringify(s.label)}]`), "") || "(document)";
}

function isNamedList(list: unknown[]): list is { name: string }[] {
  const names = new Set<string>();
  for (const item of list) {
    if (!isRecord(item) || typeof item.name !== "string" || names.has(item.name)) return false;
    names.add(item.name);
  }
  return list.length > 0;
}
