import type { FileContent } from "../engine/change-set.js";
import type { GitHub, RepoRef } from "./github-types.js";
import { keyOf, readFilesAt } from "./read-files-at.js";

/**
 * Reads files at commits for rendering, coalescing the reads asked for within a few milliseconds (base
 * and head are asked for together, as two messages from the worker) into one round of GraphQL queries:
 * requests, not files, are what the App's budget counts.
 */
const coalesceMs = 5;

export function batchedTreeReads(github: GitHub, repo: RepoRef, maxBytes: () => number) {
  let pending: { commit: string; paths: string[]; resolve: (v: [string, FileContent | undefined][]) => void; reject: (e: unknown) => void }[] = [];
  const flush = async () => {
    const batch = pending;
    pending = [];
    try {
      const read = await readFilesAt(github, repo, batch.flatMap((b) => b.paths.map((path) => ({ oid: b.commit, path }))), maxBytes());
      for (const b of batch) b.resolve(b.paths.map((path) => [path, read.files.get(keyOf(b.commit, path))]));
    } catch (error) {
      for (const b of batch) b.reject(error);
    }
  };
  return (commit: string, paths: string[]): Promise<[string, FileContent | undefined][]> =>
    new Promise((resolve, reject) => {
      if (pending.length === 0) setTimeout(() => void flush(), coalesceMs);
      pending.push({ commit, paths, resolve, reject });
    });
}
