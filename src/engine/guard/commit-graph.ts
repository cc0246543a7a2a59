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

/**
 * The commits with each one after its parents among them, otherwise in the order given: commits found
 * by when they were pushed join those listed by date, whose order a forged date cannot then upset.
 */
export function parentsFirst<T extends GuardCommit>(commits: readonly T[]): T[] {
  const bySha = new Map(commits.map((c) => [c.sha, c]));
  const placed = new Set<string>();
  const ordered: T[] = [];
  for (const commit of commits) {
    // Depth first without recursion: a commit is placed once all its parents among them are.
    // `visiting`: an answer claiming a cycle (git has none) cannot loop it.
    const stack: { commit: T; next: number }[] = [{ commit, next: 0 }];
    const visiting = new Set([commit.sha]);
    while (stack.length > 0) {
      const top = stack.at(-1)!;
      if (placed.has(top.commit.sha)) {
        stack.pop();
        continue;
      }
      const parent = top.commit.parents.slice(top.next).find((p) => bySha.has(p) && !placed.has(p) && !visiting.has(p));
      if (parent !== undefined) {
        top.next = top.commit.parents.indexOf(parent) + 1;
        visiting.add(parent);
        stack.push({ commit: bySha.get(parent)!, next: 0 });
        continue;
      }
      placed.add(top.commit.sha);
      ordered.push(top.commit);
      stack.pop();
    }
  }
  return ordered;
}
