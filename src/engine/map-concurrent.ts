/**
 * Maps with at most `limit` calls in flight and results in input order. Lets the main thread parse
 * one file while the policy worker judges another.
 */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  });
  await Promise.all(lanes);
  return results;
}

/**
 * Runs `work` on every item with at most `limit` in flight (the main thread reads or the policy worker
 * judges one file while another is parsed), and hands each result to `settle` in the items' order as
 * soon as every earlier one is settled, so results are let go as the stream moves on. No item starts
 * more than `ahead` items past the first unsettled one: one slow item (a large file) must not leave
 * the results of thousands of fast ones waiting behind it, nor must it stop the others for long (a
 * window of a few dozen left the other threads idle behind a slow file, 10% longer on a repository).
 */
export async function forEachInOrder<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>, settle: (result: R) => void, ahead = 512): Promise<void> {
  const done = new Map<number, R>();
  let next = 0;
  let settled = 0;
  let waiting: (() => void)[] = [];
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      // The first unsettled item is in flight on another lane, which wakes this one when it settles.
      if (next - settled >= ahead) {
        await new Promise<void>((resolve) => waiting.push(resolve));
        continue;
      }
      const index = next++;
      done.set(index, await work(items[index]!));
      const before = settled;
      while (done.has(settled)) {
        const result = done.get(settled)!;
        done.delete(settled++);
        settle(result);
      }
      if (settled > before && waiting.length > 0) {
        const woken = waiting;
        waiting = [];
        for (const wake of woken) wake();
      }
    }
  });
  await Promise.all(lanes);
}
