import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { controlPathProblem, controlPlaneMaxBytes, controlPlaneText, RefusedPathError, type RepoReader } from "../config/repo-reader.js";
import { decodeRead, type FileContent, type ReadContent } from "../engine/change-set.js";

/**
 * The working tree as Gitgate reads it: only below the repository root, and never through a symbolic
 * link. A link on disk may point anywhere (another repository, /etc, a secret), so every folder on a
 * path is checked with lstat and the file itself is opened with O_NOFOLLOW.
 *
 * The calls are synchronous: only the CLI reads a working tree, its main thread has nothing else to do
 * while the worker waits for the files, and a trip through libuv's thread pool for each of the five
 * calls a file takes cost more than the calls themselves on a large repository.
 */

/** What is on disk at a repository path, without following any link. */
export type DiskEntry = { kind: "file"; size: number } | { kind: "folder" } | { kind: "symlink" } | { kind: "other" };

/** The repository path of a path the user gave (relative to the current folder), or undefined outside the root. */
export function repoPathOf(root: string, userPath: string): string | undefined {
  const rel = relative(root, resolve(userPath));
  if (rel === "") return "";
  if (isAbsolute(rel) || rel.split(sep)[0] === "..") return undefined;
  return rel.split(sep).join("/");
}

/** Looks at `path` below `root`, segment by segment, never through a link; undefined when nothing is there. */
export function lookAt(root: string, path: string): Promise<DiskEntry | undefined> {
  return diskLook(root)(path);
}

/**
 * lookAt for many paths of one tree: the folders on their way are looked at once for all of them (a
 * repository's files share their folders, and each lstat is a trip to the thread pool).
 */
export function diskLook(root: string): (path: string) => Promise<DiskEntry | undefined> {
  // What each folder on the way is, by its path on disk; a kind, not lstat's Stats: a large repository
  // has thousands of folders, and a Stats object holds a dozen numbers.
  const folders = new Map<string, FolderKind>();
  const lstatOf = (at: string) => {
    try {
      return lstatSync(at);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
      throw error;
    }
  };
  const folderAt = (at: string): FolderKind => {
    let kind = folders.get(at);
    if (kind === undefined) {
      const info = lstatOf(at);
      kind = !info ? "missing" : info.isSymbolicLink() ? "symlink" : info.isDirectory() ? "folder" : "other";
      folders.set(at, kind);
    }
    return kind;
  };
  return async (path) => {
    if (controlPathProblem(path) !== undefined) throw new RefusedPathError(path, "outside");
    const segments = path.split("/").filter(Boolean);
    if (segments.length === 0) return { kind: "folder" };
    let at = root;
    for (const segment of segments.slice(0, -1)) {
      at = join(at, segment);
      const kind = folderAt(at);
      // A linked folder on the way is the link itself: whatever is behind it is not in the repository.
      if (kind === "symlink") return { kind: "symlink" };
      if (kind !== "folder") return undefined;
    }
    const info = lstatOf(join(at, segments[segments.length - 1]!));
    if (!info) return undefined;
    if (info.isSymbolicLink()) return { kind: "symlink" };
    if (info.isDirectory()) return { kind: "folder" };
    return info.isFile() ? { kind: "file", size: info.size } : { kind: "other" };
  };
}

type FolderKind = "folder" | "symlink" | "missing" | "other";

/**
 * Reads a working-tree file as the engine sees one: a link is a `symlink` entry (never read), a file
 * over `maxBytes` is not loaded. Undefined when there is no file.
 */
export async function readWorkingFile(root: string, path: string, maxBytes: number, look = diskLook(root)): Promise<FileContent | undefined> {
  return decodeRead(await readWorkingBytes(root, path, maxBytes, look));
}

/** As readWorkingFile, with a file's bytes left undecoded (for the thread that judges it to decode). */
export async function readWorkingBytes(root: string, path: string, maxBytes: number, look = diskLook(root)): Promise<ReadContent | undefined> {
  const entry = await look(path);
  if (!entry || entry.kind === "folder" || entry.kind === "other") return undefined;
  if (entry.kind === "symlink") return { kind: "symlink" };
  if (entry.size > maxBytes) return { kind: "too-large", size: entry.size };
  // O_NOFOLLOW: a file swapped for a link since lstat is refused by the kernel (ELOOP), not followed.
  let fd: number;
  try {
    fd = openSync(join(root, path), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOOP") return { kind: "symlink" };
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    // The size as opened: the file may have grown since lstat; one byte more tells it is over the limit.
    const size = fstatSync(fd).size;
    if (size > maxBytes) return { kind: "too-large", size };
    // Not from Node's shared pool: these bytes are copied to another thread, and a view into the pool
    // would take the whole pool with it.
    const buffer = Buffer.allocUnsafeSlow(Math.min(size, maxBytes) + 1);
    let length = 0;
    for (let n; length < buffer.length && (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0;) length += n;
    if (length > maxBytes) return { kind: "too-large", size: Math.max(size, length) };
    return { kind: "bytes", bytes: buffer.subarray(0, length) };
  } finally {
    closeSync(fd);
  }
}

/** The working tree as a control-plane reader: config, schemas and policies as they are on disk. */
export function workingTreeReader(root: string, maxBytes = controlPlaneMaxBytes): RepoReader {
  return {
    async read(path) {
      const content = await readWorkingFile(root, path, maxBytes);
      if (content === undefined) return undefined;
      return controlPlaneText(path, content);
    },
    async list(path) {
      const entry = await lookAt(root, path);
      if (!entry) return [];
      if (entry.kind !== "folder") return [path];
      // Recursive readdir does not descend into linked folders; links are listed, so reading them refuses.
      const entries = await readdir(join(root, path), { recursive: true, withFileTypes: true });
      return entries
        .filter((e) => e.isFile() || e.isSymbolicLink())
        .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join("/"))
        .sort();
    },
  };
}
