import { createHash } from "node:crypto";

/**
 * A pull request and base branch a check verdict was decided for, as its check run records it. The
 * base is kept as a key (see baseRefKey): a branch name can be as long as a check run's whole record.
 */
export interface JudgedFor {
  pull: number;
  baseKey: string;
}

/** A branch name keyed by a hash, long enough that no other name can be made to match it. */
export function baseRefKey(baseRef: string): string {
  return createHash("sha256").update(baseRef).digest("hex").slice(0, 16);
}

/** The entry naming a pull request and base in a check run's record: `<number>.<base key>`. */
export function judgedForEntry(pull: number, baseRef: string): string {
  return `${pull}.${baseRefKey(baseRef)}`;
}

/** An entry as judgedForEntry writes it (anything after `=` is the entry's value, not part of the pair); undefined if it is not one. */
export function parseJudgedFor(entry: string): JudgedFor | undefined {
  const match = /^(\d{1,10})\.([0-9a-f]{16})(?:=|$)/.exec(entry);
  return match ? { pull: Number(match[1]), baseKey: match[2]! } : undefined;
}

/** Whether a run's record names this pull request into this base. */
export function judgedFor(records: readonly JudgedFor[], pull: number, baseRef: string): boolean {
  const baseKey = baseRefKey(baseRef);
  return records.some((r) => r.pull === pull && r.baseKey === baseKey);
}
