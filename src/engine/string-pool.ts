/**
 * Hands back one copy of each string it is given. What crosses from another thread arrives as fresh
 * copies: the same rule, severity, status and source on every finding, and the same message on every
 * notice about a kind without a schema (the corpus ×16 has 6,900 of those), each held once here.
 */
export function stringPool(): <T extends string>(value: T) => T {
  const pool = new Map<string, string>();
  return <T extends string>(value: T): T => {
    const held = pool.get(value);
    if (held !== undefined) return held as T;
    pool.set(value, value);
    return value;
  };
}
