import { controlPlaneMaxBytes, controlPlaneText, type RepoReader } from "../config/repo-reader.js";
import type { FileContent } from "../engine/change-set.js";
import type { GitHub, RepoRef } from "./github-types.js";
import { keyOf, readFilesAt, type FileRequest, type FilesAt } from "./read-files-at.js";

export interface PrefetchingReader extends RepoReader {
  /** Reads these files and folders in one round of queries, so later reads cost nothing. */
  prefetch(paths: readonly string[], folders: readonly string[]): Promise<void>;
  /** What `prefetch` would ask GitHub for (nothing when all is known), to ride in someone else's query. */
  missing(paths: readonly string[], folders: readonly string[]): FileRequest[];
  /** Takes what such a query read for `missing`. */
  absorb(read: FilesAt, requests: readonly FileRequest[]): void;
}

/**
 * The control plane of one commit, read through GitHub. Reads are served from what was prefetched;
 * a miss (a `$ref` to a file nobody predicted) costs one more query.
 */
export function githubRepoReader(github: GitHub, repo: RepoRef, oid: string, known?: ReadonlyMap<string, FileContent | undefined>): PrefetchingReader {
  // Files already read at this commit (riding along with another query) cost nothing more.
  const files = new Map<string, FileContent | undefined>(known);
  const folders = new Map<string, string[]>();
  const missing = (paths: readonly string[], dirs: readonly string[]): FileRequest[] => [
    ...paths.filter((p) => !files.has(p)).map((path) => ({ oid, path, maxBytes: controlPlaneMaxBytes })),
    ...dirs.map((d) => d.replace(/\/+$/, "")).filter((d) => !folders.has(d)).map((path) => ({ oid, path, folder: true, maxBytes: controlPlaneMaxBytes })),
  ];
  const absorb = (read: FilesAt, requests: readonly FileRequest[]) => {
    // Only what was asked for, within the control plane's size limit (the same query may have read
    // these paths with another limit, for the change).
    const take = (path: string) => {
      const content = read.files.get(keyOf(oid, path));
      files.set(path, content && "size" in content && content.kind === "text" && content.size > controlPlaneMaxBytes ? { kind: "too-large", size: content.size } : content);
    };
    for (const request of requests) {
      if (!request.folder) take(request.path);
      else {
        const listed = read.folders.get(keyOf(oid, request.path)) ?? [];
        folders.set(request.path, listed);
        for (const path of listed) take(path);
      }
    }
  };
  const prefetch = async (paths: readonly string[], dirs: readonly string[]) => {
    const requests = missing(paths, dirs);
    if (requests.length === 0) return;
    absorb(await readFilesAt(github, repo, requests, controlPlaneMaxBytes), requests);
  };
  return {
    prefetch,
    missing,
    absorb,
    async read(path) {
      if (!files.has(path)) await prefetch([path], []);
      const content = files.get(path);
      if (content === undefined) return undefined;
      return controlPlaneText(path, content);
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
