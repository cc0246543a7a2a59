import type { GuardCommit } from "./guard-types.js";

/** The commit and its ancestors among the new commits (a merge's second parent, earlier rebased commits). */
export function ancestorsWithin(landing: string, bySha: ReadonlyMap<string, GuardCommit>): Set<string> {
  const seen = new Set<string>();
  const stack = [landing];
  while (stack.length > 0) {
    const sha = stack.pop()!;
    const commit = bySha.get(sha);
    if (!commit || seen.has(sha)) continue;
    seen.add(sha);
    stack.push(...commit.parents);
  }
  // The landing commit itself counts even when its parents are not among the new commits.
  seen.add(landing);
  return seen;
}
