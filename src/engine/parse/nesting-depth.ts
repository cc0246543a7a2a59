/**
 * Returns the JSON pointer segments of the first node nested deeper than maxDepth, or undefined.
 * Iterative, so a hostile document cannot overflow the stack of the checker itself; paths are only
 * built when a document is too deep, keeping the common case allocation-light.
 */
export function findTooDeep(value: unknown, maxDepth: number): (string | number)[] | undefined {
  if (maxDepthOf(value, maxDepth) < maxDepth) return undefined;
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (current === null || typeof current !== "object") continue;
    if (path.length >= maxDepth) return path;
    for (const [key, item] of entriesOf(current)) stack.push({ value: item, path: [...path, key] });
  }
  return undefined;
}

function maxDepthOf(value: unknown, limit: number): number {
  const values: unknown[] = [value];
  const depths: number[] = [0];
  let deepest = 0;
  while (values.length > 0) {
    const current = values.pop();
    const depth = depths.pop()!;
    if (current === null || typeof current !== "object") continue;
    if (depth >= limit) return depth;
    if (depth > deepest) deepest = depth;
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) {
      values.push(child);
      depths.push(depth + 1);
    }
  }
  return deepest;
}

function entriesOf(value: object): [string | number, unknown][] {
  return Array.isArray(value) ? value.map((item, i) => [i, item]) : Object.entries(value);
}
