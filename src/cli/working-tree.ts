import { constants, type Stats } from "node:fs";
import { lstat, open, readdir } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { controlPathProblem, controlPlaneMaxBytes, RefusedPathError, type RepoReader } from "../config/repo-reader.js";
import { toFileContent, type FileContent } from "../engine/change-set.js";

/**
 * The working tree as Gitgate reads it: only below the repository root, and never through a symbolic
 * link. A link on disk may point anywhere (another repository, /etc, a secret), so every folder on a
 * path is checked with lstat and the file itself is opened with O_NOFOLLOW.
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
export async function lookAt(root: string, path: string): Promise<DiskEntry | undefined> {
  if (controlPathProblem(path) !== undefined) throw new RefusedPathError(path, "outside");
  let info: Stats | undefined;
  let at = root;
  for (const segment of path.split("/").filter(Boolean)) {
    // A linked folder on the way is the link itself: whatever is behind it is not in the repository.
    if (info?.isSymbolicLink()) return { kind: "symlink" };
    at = join(at, segment);
    info = await lstat(at).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
      throw error;
    });
    if (!info) return undefined;
  }
  if (!info) return { kind: "folder" };
  if (info.isSymbolicLink()) return { kind: "symlink" };
  if (info.isDirectory()) return { kind: "folder" };
  return info.isFile() ? { kind: "file", size: info.size } : { kind: "other" };
}

/**
 * Reads a working-tree file as the engine sees one: a link is a `symlink` entry (never read), a file
 * over `maxBytes` is not loaded. Undefined when there is no file.
 */
export async function readWorkingFile(root: string, path: string, maxBytes: number): Promise<FileContent | undefined> {
  const entry = await lookAt(root, path);
  if (!entry || entry.kind === "folder" || entry.kind === "other") return undefined;
  if (entry.kind === "symlink") return { kind: "symlink" };
  if (entry.size > maxBytes) return { kind: "too-large", size: entry.size };
  // O_NOFOLLOW: a file swapped for a link since lstat is refused by the kernel (ELOOP), not followed.
  const handle = await open(join(root, path), constants.O_RDONLY | constants.O_NOFOLLOW).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ELOOP") return "symlink" as const;
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (handle === "symlink") return { kind: "symlink" };
  if (!handle) return undefined;
  try {
    return toFileContent(await handle.readFile(), maxBytes);
  } finally {
    await handle.close();
  }
}

/** The working tree as a control-plane reader: config, schemas and policies as they are on disk. */
export function workingTreeReader(root: string, maxBytes = controlPlaneMaxBytes): RepoReader {
  return {
    async read(path) {
      const content = await readWorkingFile(root, path, maxBytes);
      if (content === undefined) return undefined;
      if (content.kind === "symlink" || content.kind === "submodule") throw new RefusedPathError(path, content.kind);
      if (content.kind !== "text") throw new RefusedPathError(path, content.kind === "binary" ? "binary" : "too-large");
      return content.text;
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
