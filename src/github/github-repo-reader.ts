import { controlPlaneMaxBytes, RefusedPathError, type RepoReader } from "../config/repo-reader.js";
import type { FileContent } from "../engine/change-set.js";
import type { GitHub, RepoRef } from "./github-types.js";
import { keyOf, readFilesAt } from "./read-files-at.js";

export interface PrefetchingReader extends RepoReader {
  /** Reads these files and folders in one round of queries, so later reads cost nothing. */
  prefetch(paths: readonly string[], folders: readonly string[]): Promise<void>;
}

/**
 * The control plane of one commit, read through GitHub. Reads are served from what was prefetched;
 * a miss (a `$ref` to a file nobody predicted) costs one more query.
 */
export function githubRepoReader(github: GitHub, repo: RepoRef, oid: string, known?: ReadonlyMap<string, FileContent | undefined>): PrefetchingReader {
  // Files already read at this commit (riding along with another query) cost nothing more.
  const files = new Map<string, FileContent | undefined>(known);
  const folders = new Map<string, string[]>();
  const prefetch = async (paths: readonly string[], dirs: readonly string[]) => {
    const missingPaths = paths.filter((p) => !files.has(p));
    const missingDirs = dirs.map((d) => d.replace(/\/+$/, "")).filter((d) => !folders.has(d));
    if (missingPaths.length === 0 && missingDirs.length === 0) return;
    const requests = [...missingPaths.map((path) => ({ oid, path })), ...missingDirs.map((path) => ({ oid, path, folder: true }))];
    const read = await readFilesAt(github, repo, requests, controlPlaneMaxBytes);
    const prefix = keyOf(oid, "");
    for (const [key, content] of read.files) files.set(key.slice(prefix.length), content);
    for (const [key, list] of read.folders) folders.set(key.slice(prefix.length), list);
    for (const path of missingPaths) if (!files.has(path)) files.set(path, undefined);
  };
  return {
    prefetch,
    async read(path) {
      if (!files.has(path)) await prefetch([path], []);
      const content = files.get(path);
      if (content === undefined) return undefined;
      if (content.kind === "symlink" || content.kind === "submodule") throw new RefusedPathError(path, content.kind);
      if (content.kind !== "text") throw new RefusedPathError(path, content.kind === "binary" ? "binary" : "too-large");
      return content.text;
    },
    async list(path) {
      const dir = path.replace(/\/+$/, "");
      if (files.has(dir) && files.get(dir)) return [dir];
      if (!folders.has(dir)) await prefetch([], [dir]);
      const listed = folders.get(dir) ?? [];
      if (listed.length > 0) return listed;
      // Not a folder: maybe a single file.
      if (!files.has(dir)) await prefetch([dir], []);
      return files.get(dir) ? [dir] : [];
    },
  };
}
