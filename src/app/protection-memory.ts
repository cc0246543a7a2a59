/** What Gitgate last saw on a branch: the weaknesses it had, and when. */
export interface ProtectionSighting {
  weaknesses: string[];
  at: string;
}

/**
 * The previous look at each protected branch, so a weakness found later (by the sweep, with no event)
 * can be told apart as "weakened since" rather than "never met". Kept in memory: after a restart the
 * first look of each branch has nothing to compare with, and says so ("never met" as far as Gitgate
 * knows). A shared store (Redis) can implement the same interface.
 */
export interface ProtectionMemory {
  recall(repo: string, branch: string): Promise<ProtectionSighting | undefined>;
  remember(repo: string, branch: string, sighting: ProtectionSighting): Promise<void>;
}

export function inMemoryProtectionMemory(maxEntries = 50_000): ProtectionMemory {
  const entries = new Map<string, ProtectionSighting>();
  const key = (repo: string, branch: string) => `${repo.toLowerCase()}\u0000${branch}`;
  return {
    async recall(repo, branch) {
      return entries.get(key(repo, branch));
    },
    async remember(repo, branch, sighting) {
      const k = key(repo, branch);
      entries.delete(k);
      entries.set(k, sighting);
      // Bounded: the branch seen longest ago is forgotten first.
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
  };
}
