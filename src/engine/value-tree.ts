/**
 * Walkers over parsed document values (maps, lists, scalars). All are iterative, with an explicit
 * stack: a hostile document nested thousands of levels deep must never overflow the call stack of the
 * code that reads it (the parser reports it as too deep; everything else must still get to the end).
 */

export type Container = Record<string, unknown> | unknown[];

export function isContainer(value: unknown): value is Container {
  return value !== null && typeof value === "object";
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Every value in the tree, the root first (depth-first, in document order). */
export function* nodes(root: unknown): Generator<unknown> {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    yield value;
    if (Array.isArray(value)) for (let i = value.length - 1; i >= 0; i--) stack.push(value[i]);
    else if (isRecord(value)) {
      const children = Object.values(value);
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
  }
}

/** The string leaves of a value, in document order. */
export function* stringLeaves(root: unknown): Generator<string> {
  for (const value of nodes(root)) if (typeof value === "string") yield value;
}

/** Every map key in the tree. */
export function* mapKeys(root: unknown): Generator<string> {
  for (const value of nodes(root)) if (isRecord(value)) yield* Object.keys(value);
}

/** What `mapTree` does at a node: put `value` in its place, or copy it and go on into its children. */
export type Visit = { replace: unknown } | "descend";

/** Where a node is below the root, as a chain of its keys and indexes from the node up (see segmentsOf). */
export interface Trail {
  segment: string;
  up: Trail | undefined;
}

/** A trail's segments, root first. */
export function segmentsOf(trail: Trail | undefined): string[] {
  const segments: string[] = [];
  for (let at = trail; at; at = at.up) segments.push(at.segment);
  return segments.reverse();
}

/**
 * A copy of a tree, transformed top-down: `visit` sees each node with its trail and its parent (undefined
 * for the root) and either replaces it
 * (its children are not visited) or lets the walk copy it and descend. `renameKeys` maps the keys of
 * each map to new ones (trails keep the old). Key order is kept; keys such as `__proto__` stay plain
 * data. A trail shares its parent's: a JSON pointer for each node would cost the depth times the keys'
 * length for each of them.
 */
export function mapTree(root: unknown, visit: (value: unknown, trail: Trail | undefined, parent: unknown) => Visit, renameKeys?: (names: string[]) => string[]): unknown {
  const holder: unknown[] = [];
  const stack: { value: unknown; trail: Trail | undefined; parent: unknown; into: Container; at: string | number }[] = [{ value: root, trail: undefined, parent: undefined, into: holder, at: 0 }];
  while (stack.length > 0) {
    const { value, trail, parent, into, at } = stack.pop()!;
    const decision = visit(value, trail, parent);
    let copy: unknown;
    if (decision !== "descend") copy = decision.replace;
    else if (Array.isArray(value)) {
      const list: unknown[] = new Array<unknown>(value.length);
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], trail: { segment: String(i), up: trail }, parent: value, into: list, at: i });
      copy = list;
    } else if (isRecord(value)) {
      const map: Record<string, unknown> = {};
      const entries = Object.entries(value);
      const names = renameKeys ? renameKeys(entries.map(([name]) => name)) : entries.map(([name]) => name);
      // Define every key now, in order, so that filling them later keeps the document's key order.
      for (const name of names) define(map, name, undefined);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [name, item] = entries[i]!;
        stack.push({ value: item, trail: { segment: name, up: trail }, parent: value, into: map, at: names[i]! });
      }
      copy = map;
    } else copy = value;
    if (Array.isArray(into)) into[at as number] = copy;
    else define(into, at as string, copy);
  }
  return holder[0];
}

/** Deep equality of two parsed values (plain maps, lists and scalars), without recursion. */
export function sameValue(a: unknown, b: unknown): boolean {
  const stack: [unknown, unknown][] = [[a, b]];
  while (stack.length > 0) {
    const [x, y] = stack.pop()!;
    if (Object.is(x, y)) continue;
    if (!isContainer(x) || !isContainer(y) || Array.isArray(x) !== Array.isArray(y)) return false;
    if (Array.isArray(x)) {
      const list = y as unknown[];
      if (x.length !== list.length) return false;
      for (let i = 0; i < x.length; i++) stack.push([x[i], list[i]]);
      continue;
    }
    const map = y as Record<string, unknown>;
    const keys = Object.keys(x);
    if (keys.length !== Object.keys(map).length) return false;
    for (const name of keys) {
      if (!Object.hasOwn(map, name)) return false;
      stack.push([(x as Record<string, unknown>)[name], map[name]]);
    }
  }
  return true;
}

export function escapePointer(segment: string | number): string {
  return String(segment).replace(/~/g, "~0").replace(/\//g, "~1");
}

function define(target: Record<string, unknown>, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, writable: true, enumerable: true, configurable: true });
}
