import { decideProvenance } from "./decide-provenance.js";
import type { CommitProvenance, GuardCommit, GuardFacts } from "./guard-types.js";

export interface PushFacts extends GuardFacts {
  /** The branch's tip before the push (undefined when the push created the branch). */
  before: string | undefined;
  after: string;
  /** Commits the push removed from the branch (a force push that rewrote history): 0 when none. */
  removed: number;
}

export interface PushVerdict {
  commits: CommitProvenance[];
  /** The push rewrote history: itself an incident, whatever the new commits are. */
  rewrite?: { before: string; after: string; removed: number };
  /**
   * Where a revert goes back to: the last commit of the branch before the first bypass (the tip
   * before a force push). Undefined when nothing was bypassed or no such commit is known.
   */
  restorePoint?: string;
  /** The first bypassing commit along the branch (the incident's name), when there is a bypass. */
  firstBypass?: string;
}

/**
 * The guard's verdict on one push: each new commit's provenance, a history rewrite as an incident of
 * its own, and the commit a revert would restore.
 */
export function decidePush(facts: PushFacts): PushVerdict {
  const commits = decideProvenance(facts);
  const rewrite = facts.removed > 0 && facts.before !== undefined ? { before: facts.before, after: facts.after, removed: facts.removed } : undefined;
  const bad = new Set(commits.filter((c) => c.verdict !== "through-pr").map((c) => c.sha));
  const verdict: PushVerdict = { commits, ...(rewrite ? { rewrite } : {}) };
  if (rewrite) return { ...verdict, restorePoint: rewrite.before, firstBypass: rewrite.after };
  if (bad.size === 0) return verdict;
  const found = firstBypassOnChain(facts.commits, facts.after, bad);
  if (!found) return verdict;
  return { ...verdict, firstBypass: found.chainCommit, ...(found.restore ? { restorePoint: found.restore } : {}) };
}

/**
 * Walks the branch's first-parent chain from the new tip back to the old one and finds the oldest
 * chain commit that brought a bypassing commit (itself, or one it merged in): the branch was sound
 * at that commit's first parent.
 */
function firstBypassOnChain(commits: readonly GuardCommit[], after: string, bad: ReadonlySet<string>): { chainCommit: string; restore: string | undefined } | undefined {
  const bySha = new Map(commits.map((c) => [c.sha, c]));
  const chain = firstParents(bySha.get(after), bySha);
  let oldest: GuardCommit | undefined;
  for (const commit of chain) {
    if (broughtIn(commit, bySha).some((sha) => bad.has(sha))) oldest = commit;
  }
  return oldest ? { chainCommit: oldest.sha, restore: oldest.parents[0] } : undefined;
}

/** The commit and what it merged in beyond its first parent, among the new commits. */
function broughtIn(commit: GuardCommit, bySha: ReadonlyMap<string, GuardCommit>): string[] {
  const out = [commit.sha];
  const stack = commit.parents.slice(1);
  const firstParentSide = new Set(firstParents(commit.parents[0] === undefined ? undefined : bySha.get(commit.parents[0]), bySha).map((c) => c.sha));
  const seen = new Set<string>();
  while (stack.length > 0) {
    const sha = stack.pop()!;
    if (seen.has(sha) || firstParentSide.has(sha) || !bySha.has(sha)) continue;
    seen.add(sha);
    out.push(sha);
    stack.push(...bySha.get(sha)!.parents);
  }
  return out;
}

/** `start` and its first parents, newest first, as far as the new commits go. */
function firstParents(start: GuardCommit | undefined, bySha: ReadonlyMap<string, GuardCommit>): GuardCommit[] {
  const chain: GuardCommit[] = [];
  const seen = new Set<string>();
  for (let at = start; at && !seen.has(at.sha); at = at.parents[0] === undefined ? undefined : bySha.get(at.parents[0])) {
    seen.add(at.sha);
    chain.push(at);
  }
  return chain;
}
