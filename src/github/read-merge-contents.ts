import { mapConcurrent } from "../engine/map-concurrent.js";
import { mergeKey, type mergesToCompare } from "../engine/guard/merge-content.js";
import type { FileAfter, MergeContent } from "../engine/guard/guard-types.js";
import type { GitHub, RepoRef } from "./github-types.js";
import { compareFileLimit } from "./read-change-set.js";

/** Merges compared at once (three compares each). */
const concurrency = 3;

/**
 * For each commit landing a pull request to compare (mergesToCompare), what it changes on its branch, what
 * the pull request changes and what the branch changed since they parted, with each file's blob.
 */
export async function readMergeContents(github: GitHub, repo: RepoRef, merges: ReturnType<typeof mergesToCompare>): Promise<Map<string, MergeContent>> {
  const contents = new Map<string, MergeContent>();
  await mapConcurrent(merges, concurrency, async (merge) => {
    // Compared from the head itself (a merge by a push), neither side has anything to merge.
    const fromHead = merge.firstParent === merge.head;
    const [changed, pulled, branched] = await Promise.all([
      filesAfter(github, repo, merge.firstParent, merge.sha),
      fromHead ? [] : filesAfter(github, repo, merge.firstParent, merge.head),
      fromHead ? [] : filesAfter(github, repo, merge.head, merge.firstParent),
    ]);
    contents.set(mergeKey(merge.sha, merge.pull), { merge: changed, pull: pulled, branch: branched });
  });
  return contents;
}

/**
 * The files base...head changes, as head leaves them; undefined when GitHub may not have listed them all
 * (its cap, or no list at all: "nothing changed" must be said, never assumed).
 */
async function filesAfter(github: GitHub, repo: RepoRef, base: string, head: string): Promise<FileAfter[] | undefined> {
  const { data } = await github.rest.repos.compareCommitsWithBasehead({ owner: repo.owner, repo: repo.repo, basehead: `${base}...${head}`, per_page: 1 });
  const files = data.files;
  if (!files || files.length >= compareFileLimit) return undefined;
  const after: FileAfter[] = [];
  for (const f of files) {
    if (f.status !== "removed" && !f.sha) return undefined;
    // A rename leaves the old path removed (a copy leaves it as it was) and the new one with the blob.
    if (f.status === "renamed" && f.previous_filename) after.push({ path: f.previous_filename, blob: null });
    after.push({ path: f.filename, blob: f.status === "removed" ? null : f.sha, ...(f.status === "renamed" && f.previous_filename ? { from: f.previous_filename } : {}) });
  }
  return after;
}
