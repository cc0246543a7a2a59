import type { DeferredContent, FileContent, ReadContent } from "../engine/change-set.js";
import type { RepoReader } from "../config/repo-reader.js";
import { commitFiles, commitReader } from "../git/local-repository.js";
import { readBlobs } from "../git/read-blobs.js";
import { GitError, runGit } from "../git/run-git.js";
import { linkOfMode, treeEntries } from "../git/tree-entries.js";
import type { DiskEntry } from "./working-tree.js";

/** What `validate` reads: the working tree, or with --staged the index (what the next commit holds). */
export interface Snapshot {
  /** Where the files are, for messages: "in the working tree", "in the staged files". */
  where: string;
  /** The report's head: "working tree" or "staged files". */
  head: string;
  /** Every path of the snapshot (the listed files that paths, folders and globs select from). */
  listed: Set<string>;
  /** What a path the user named is: a file, a folder, or nothing. */
  look(path: string): Promise<DiskEntry | undefined>;
  /**
   * The content of each path (undefined when there is none); links and submodules as such, never read.
   * A file may be `deferred`: then `read` gives its content when the engine judges it, so a whole
   * repository is never in memory at once.
   */
  contents(paths: readonly string[], maxBytes: number): Promise<Map<string, FileContent | DeferredContent | undefined>>;
  read?(path: string, maxBytes: number): Promise<ReadContent | undefined>;
  /** The control plane (config, schemas, policies) from the same snapshot. */
  reader: RepoReader;
}

/**
 * The staged files, as the commit being made will hold them: a pre-commit hook must judge those, not a
 * working tree that may differ (a fix not yet added, or a bad edit made after `git add`). The index is
 * written as a tree (`git write-tree`, the object `git commit` writes next anyway), so it is read with
 * the same hardened reader as a commit: links and submodules by their mode, never followed. In a hook,
 * git's GIT_INDEX_FILE points at the index being committed (also for `git commit <paths>`).
 */
export async function stagedSnapshot(root: string): Promise<Snapshot> {
  let tree: string;
  try {
    tree = (await runGit(root, ["write-tree"])).toString().trim();
  } catch (error) {
    const detail = (error as GitError).message;
    throw new GitError(
      /unmerged|conflict/i.test(detail)
        ? "the index has unmerged paths: resolve the conflicts (and `git add` them) before validating the staged files"
        : `cannot read the staged files: ${detail}`,
      (error as GitError).exitCode,
    );
  }
  const listed = new Set(await commitFiles(root, tree));
  const folders = new Set([...listed].flatMap((path) => path.split("/").slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join("/"))));
  return {
    where: "in the staged files",
    head: "staged files",
    listed,
    look: async (path) => (path === "" || folders.has(path) ? { kind: "folder" } : listed.has(path) ? { kind: "file", size: 0 } : undefined),
    async contents(paths, maxBytes) {
      const result = new Map<string, FileContent | undefined>();
      const entries = [];
      // In slices, so thousands of files stay under the command line's length limit.
      for (let i = 0; i < paths.length; i += 500) entries.push(...(await treeEntries(root, tree, paths.slice(i, i + 500))));
      const files = entries.filter((e) => e.type !== "tree" && !linkOfMode(e.mode));
      const blobs = await readBlobs(root, files.map((e) => e.oid), maxBytes);
      for (const entry of entries) {
        if (entry.type !== "tree") result.set(entry.path, linkOfMode(entry.mode) ?? blobs.get(entry.oid));
      }
      return result;
    },
    reader: commitReader(root, tree),
  };
}
