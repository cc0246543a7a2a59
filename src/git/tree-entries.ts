import type { LinkEntry } from "../engine/change-set.js";
import { runGit } from "./run-git.js";

/** One entry of a commit's tree, as `git ls-tree` shows it. */
export interface TreeEntry {
  /** Octal, as git writes it: 100644, 100755, 120000 (symlink), 160000 (submodule), 040000 (folder). */
  mode: string;
  type: "blob" | "tree" | "commit";
  oid: string;
  path: string;
}

/** The link a git mode stands for, or undefined for a plain file or folder. */
export function linkOfMode(mode: string): LinkEntry | undefined {
  if (mode === "120000") return { kind: "symlink" };
  if (mode === "160000") return { kind: "submodule" };
  return undefined;
}

/**
 * The entries of `commit` at the given paths (or, with `recursive`, every entry below them). Paths are
 * literal, never pathspec magic, and git never looks through a symlink: `a/b` below a linked `a` is not
 * an entry at all.
 */
export async function treeEntries(repo: string, commit: string, paths: readonly string[], recursive = false): Promise<TreeEntry[]> {
  const out = await runGit(repo, ["--literal-pathspecs", "ls-tree", "-z", "--full-tree", ...(recursive ? ["-r"] : []), commit, "--", ...paths]);
  return out.toString().split("\0").filter(Boolean).map((line) => {
    const tab = line.indexOf("\t");
    const [mode, type, oid] = line.slice(0, tab).split(" ") as [string, TreeEntry["type"], string];
    return { mode, type, oid, path: line.slice(tab + 1) };
  });
}
