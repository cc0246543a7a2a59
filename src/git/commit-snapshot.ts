import type { FileContent } from "../engine/change-set.js";
import { readBlobBytes, readBlobs } from "./read-blobs.js";
import { linkOfMode, treeEntries } from "./tree-entries.js";

/**
 * Every file of a commit, for rendering: the paths, and a batched read of those that are plain files
 * (a symlink or submodule is listed but never read: it renders as missing, like everything outside
 * the repository).
 */
export function commitSnapshot(repo: string, commit: string, maxBytes: number) {
  let entries: Promise<Map<string, { mode: string; oid: string }>> | undefined;
  const listed = () => (entries ??= treeEntries(repo, commit, [], true).then((list) => new Map(list.filter((e) => e.type === "blob").map((e) => [e.path, e]))));
  return {
    async paths(): Promise<string[]> {
      return [...(await listed()).keys()];
    },
    async read(paths: readonly string[]): Promise<[string, FileContent | undefined][]> {
      const all = await listed();
      const files = paths.map((p) => [p, all.get(p)] as const).filter((e): e is readonly [string, { mode: string; oid: string }] => e[1] !== undefined && !linkOfMode(e[1].mode));
      const blobs = await readBlobs(repo, [...new Set(files.map(([, e]) => e.oid))], maxBytes);
      return files.map(([path, e]) => [path, blobs.get(e.oid)]);
    },
    /** The bytes of binary files a render target needs (`read` classifies them and keeps none). */
    async readBinary(paths: readonly string[]): Promise<[string, Uint8Array | undefined][]> {
      const all = await listed();
      const oids = paths.map((p) => all.get(p)).filter((e) => e !== undefined && !linkOfMode(e.mode)).map((e) => e!.oid);
      const blobs = await readBlobBytes(repo, [...new Set(oids)], maxBytes);
      return paths.map((p) => {
        const e = all.get(p);
        return [p, e && !linkOfMode(e.mode) ? blobs.get(e.oid) : undefined];
      });
    },
  };
}
