import { withExecutableBit, type ChangeSet, type ChangeStatus, type FileChange, type FileContent } from "../engine/change-set.js";
import { controlPlaneMaxBytes, controlPlaneText, RefusedPathError, type RepoReader } from "../config/repo-reader.js";
import { readBlobs } from "./read-blobs.js";
import { GitError, runGit } from "./run-git.js";
import { contextPathsFor } from "../engine/gitops-files.js";
import { linkOfMode, treeEntries, type TreeEntry } from "./tree-entries.js";

/** Resolves a ref to a commit sha, with a message naming the ref when it does not exist. */
export async function resolveCommit(repo: string, ref: string): Promise<string> {
  try {
    return (await runGit(repo, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).toString().trim();
  } catch (error) {
    throw new GitError(`"${ref}" is not a commit in ${repo}`, (error as GitError).exitCode);
  }
}

/** The branch a PR would target when none is given: origin's default branch, else main, else master. */
export async function defaultBaseRef(repo: string): Promise<string> {
  for (const ref of ["refs/remotes/origin/HEAD", "main", "master"]) {
    try {
      await resolveCommit(repo, ref);
      return ref === "refs/remotes/origin/HEAD" ? "origin/HEAD" : ref;
    } catch {
      // try the next candidate
    }
  }
  throw new GitError(`cannot tell the base branch of ${repo}: pass --base`, null);
}

/**
 * A reader of one commit's files, for the control plane. Each read first looks the path up in the
 * commit's tree, so a symlink or submodule is refused by its mode instead of being read as text.
 */
export function commitReader(repo: string, commit: string, maxBytes = controlPlaneMaxBytes): RepoReader {
  return {
    async read(path) {
      const entry = (await treeEntries(repo, commit, [path])).find((e) => e.path === path);
      if (!entry || entry.type === "tree") return undefined;
      const link = linkOfMode(entry.mode);
      if (link) throw new RefusedPathError(path, link.kind);
      const content = (await readBlobs(repo, [entry.oid], maxBytes)).get(entry.oid);
      if (content === undefined) return undefined;
      return controlPlaneText(path, content);
    },
    async list(path) {
      return (await treeEntries(repo, commit, [path], true)).map((e) => e.path).sort();
    },
  };
}

/**
 * Where head left base. A shallow clone (CI's `fetch-depth: 1`) usually lacks it: say how to fetch the
 * history instead of passing on git's bare failure.
 */
async function mergeBaseOf(repo: string, base: string, head: string): Promise<string> {
  try {
    return (await runGit(repo, ["merge-base", base, head])).toString().trim();
  } catch (error) {
    if (!(error instanceof GitError) || error.exitCode !== 1) throw error;
    const shallow = (await runGit(repo, ["rev-parse", "--is-shallow-repository"])).toString().trim() === "true";
    throw new GitError(
      shallow
        ? `cannot find where ${head.slice(0, 12)} left ${base.slice(0, 12)}: this is a shallow clone without that history. ` +
          "Fetch it (`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout) and run gitgate check again"
        : `${head.slice(0, 12)} and ${base.slice(0, 12)} have no commit in common: check --base and --head`,
      error.exitCode,
    );
  }
}

/** Every file path of a commit, for telling which config globs match nothing there. */
export async function commitFiles(repo: string, commit: string): Promise<string[]> {
  return (await runGit(repo, ["ls-tree", "-r", "-z", "--name-only", commit])).toString().split("\0").filter(Boolean);
}

const statusByLetter: Record<string, ChangeStatus> = { A: "added", M: "modified", D: "removed", R: "renamed", T: "modified", C: "added" };

/**
 * The change set of base...head (three dots, as a PR shows it): what head changed since it left
 * base, with both versions of every file, read in three git processes. `--raw` gives each version's
 * mode, so symlinks and submodules are told apart from files and never read as text.
 */
export async function localChangeSet(repo: string, base: string, head: string, maxBytes: number): Promise<ChangeSet> {
  const mergeBase = await mergeBaseOf(repo, base, head);
  const fields = (await runGit(repo, ["diff", "-z", "--raw", "--no-abbrev", "-M", "--no-ext-diff", "--no-textconv", mergeBase, head]))
    .toString()
    .split("\0");
  const files: FileChange[] = [];
  const versions = new Map<FileChange, { before?: Version; after?: Version }>();
  for (let i = 0; i < fields.length - 1; ) {
    // `:<old mode> <new mode> <old oid> <new oid> <status>`, then one path (two for renames and copies).
    const [oldMode, newMode, oldOid, newOid, code] = fields[i++]!.slice(1).split(" ") as [string, string, string, string, string];
    const letter = code.charAt(0);
    const status = statusByLetter[letter] ?? "modified";
    const first = fields[i++]!;
    const file: FileChange = letter === "R" ? { path: fields[i++]!, status, previousPath: first }
      : letter === "C" ? { path: fields[i++]!, status }
      : { path: first, status };
    files.push(file);
    versions.set(file, {
      ...(status !== "added" ? { before: { mode: oldMode, oid: oldOid } } : {}),
      ...(status !== "removed" ? { after: { mode: newMode, oid: newOid } } : {}),
    });
  }
  const oids = [...versions.values()].flatMap((v) => [v.before, v.after]).filter((v): v is Version => v !== undefined && !linkOfMode(v.mode)).map((v) => v.oid);
  const blobs = await readBlobs(repo, [...new Set(oids)], maxBytes);
  const contentOf = (version: Version | undefined): FileContent | undefined =>
    version === undefined ? undefined : linkOfMode(version.mode) ?? withExecutableBit(blobs.get(version.oid), version.mode === "100755");
  for (const file of files) {
    const before = contentOf(versions.get(file)!.before);
    const after = contentOf(versions.get(file)!.after);
    if (before) file.before = before;
    if (after) file.after = after;
  }
  const headContext = await readHeadContext(repo, head, files.filter((f) => f.status !== "removed").map((f) => f.path), maxBytes);
  return { base: mergeBase, head, files, ...(headContext.size > 0 ? { headContext } : {}) };
}

/**
 * The head files that decide how the changed files are read (a chart's Chart.yaml, kustomizations:
 * see gitops-files.ts), as plain files only: a link there is never read, so it decides nothing.
 */
async function readHeadContext(repo: string, head: string, paths: readonly string[], maxBytes: number): Promise<Map<string, FileContent | undefined>> {
  const wanted = contextPathsFor(paths);
  const context = new Map<string, FileContent | undefined>();
  const entries: TreeEntry[] = [];
  // In slices, so a change of thousands of files stays under the command line's length limit.
  for (let i = 0; i < wanted.length; i += 500) entries.push(...(await treeEntries(repo, head, wanted.slice(i, i + 500))));
  const files = entries.filter((e) => e.type === "blob" && !linkOfMode(e.mode));
  const blobs = await readBlobs(repo, files.map((e) => e.oid), maxBytes);
  for (const entry of files) context.set(entry.path, blobs.get(entry.oid));
  return context;
}

interface Version {
  mode: string;
  oid: string;
}
