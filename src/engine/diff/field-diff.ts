import { isDeepStrictEqual } from "node:util";
import { joinPointer } from "../parse/locate.js";
import type { FieldChange } from "./diff-types.js";

type Segment = { key: string | number; label: string };

/**
 * Field-level differences between two values. Maps are compared key by key; lists of named items
 * (containers, env, ports, volumes, …: every item a map with a string `name`) are matched by name, so
 * reordering them is no change and a changed item shows as that item; other lists by position.
 */
export function fieldDiff(before: unknown, after: unknown): FieldChange[] {
  const changes: FieldChange[] = [];
  walk(before, after, [], [], changes);
  return changes;
}

function walk(before: unknown, after: unknown, headPath: Segment[], basePath: Segment[], out: FieldChange[]): void {
  if (isDeepStrictEqual(before, after)) return;
  if (isRecord(before) && isRecord(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const segment = { key, label: key };
      if (!(key in after)) out.push(change("removed", [...basePath, segment], before[key], undefined));
      else if (!(key in before)) out.push(change("added", [...headPath, segment], undefined, after[key]));
      else walk(before[key], after[key], [...headPath, segment], [...basePath, segment], out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    if (isNamedList(before) && isNamedList(after)) {
      const old = new Map(before.map((item, i) => [item.name, i]));
      const seen = new Set<string>();
      after.forEach((item, i) => {
        seen.add(item.name);
        const j = old.get(item.name);
        const head = { key: i, label: `[${item.name}]` };
        if (j === undefined) out.push(change("added", [...headPath, head], undefined, item));
        else walk(before[j], item, [...headPath, head], [...basePath, { key: j, label: `[${item.name}]` }], out);
      });
      before.forEach((item, j) => {
        if (!seen.has(item.name)) out.push(change("removed", [...basePath, { key: j, label: `[${item.name}]` }], item, undefined));
      });
      return;
    }
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      const segment = { key: i, label: `[${i}]` };
      if (i >= after.length) out.push(change("removed", [...basePath, segment], before[i], undefined));
      else if (i >= before.length) out.push(change("added", [...headPath, segment], undefined, after[i]));
      else walk(before[i], after[i], [...headPath, segment], [...basePath, segment], out);
    }
    return;
  }
  out.push(change("changed", headPath, before, after));
}

function change(op: FieldChange["op"], path: Segment[], before: unknown, after: unknown): FieldChange {
  return {
    field: fieldLabel(path),
    pointer: joinPointer(path.map((s) => s.key)),
    op,
    ...(op !== "added" ? { before } : {}),
    ...(op !== "removed" ? { after } : {}),
  };
}

function fieldLabel(path: Segment[]): string {
  return path.reduce((label, s) => (s.label.startsWith("[") ? label + s.label : /^[\w-]+$/.test(s.label) ? (label ? `${label}.${s.label}` : s.label) : `${label}[${JSON.stringify(s.label)}]`), "") || "(document)";
}

function isNamedList(list: unknown[]): list is { name: string }[] {
  const names = new Set<string>();
  for (const item of list) {
    if (!isRecord(item) || typeof item.name !== "string" || names.has(item.name)) return false;
    names.add(item.name);
  }
  return list.length > 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
