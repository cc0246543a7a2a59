import { mapConcurrent } from "../engine/map-concurrent.js";
import { mergeKey, type localMerges } from "../engine/guard/decide-provenance.js";
import type { FileAfter, MergeContent } from "../engine/guard/guard-types.js";
import type { GitHub, RepoRef } from "./github-types.js";
import { compareFileLimit } from "./read-change-set.js";

/** Reads in flight at once (a push rarely holds more than one merge made outside GitHub). */
const concurrency = 4;

/**
 * For each merge commit made outside GitHub (localMerges), what it changes on its branch and what its
 * pull request changes, with each file's blob: two compares per merge.
 */
export async function readMergeContents(github: GitHub, repo: RepoRef, merges: ReturnType<typeof localMerges>): Promise<Map<string, MergeContent>> {
  const contents = new Map<string, MergeContent>();
  await mapConcurrent(merges, concurrency, async (merge) => {
    const [changed, pulled] = await Promise.all([filesAfter(github, repo, merge.firstParent, merge.sha), filesAfter(github, repo, merge.firstParent, merge.head)]);
    contents.set(mergeKey(merge.sha, merge.pull), { merge: changed, pull: pulled });
  });
  return contents;
}

/** The files base...head changes, as head leaves them; undefined when GitHub may not list them all. */
async function filesAfter(github: GitHub, repo: RepoRef, base: string, head: string): Promise<FileAfter[] | undefined> {
  const { data } = await github.rest.repos.compareCommitsWithBasehead({ owner: repo.owner, repo: repo.repo, basehead: `${base}...${head}`, per_page: 1 });
  const files = data.files ?? [];
  if (files.length >= compareFileLimit) return undefined;
  // A rename leaves the old path removed and the new one with the blob.
  return files.flatMap((f): FileAfter[] => [
    ...(f.previous_filename ? [{ path: f.previous_filename, blob: null }] : []),
    { path: f.filename, blob: f.status === "removed" ? null : f.sha ?? null },
  ]);
}
