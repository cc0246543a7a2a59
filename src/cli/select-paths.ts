import { UsageError } from "./cli-options.js";
import { lookAt, repoPathOf, type DiskEntry } from "./working-tree.js";

/** One path the user named on the command line, and the repository paths it stands for. */
export interface NamedPath {
  given: string;
  /** A file names itself; a folder or glob names every listed file in or matching it (governed ones are checked). */
  kind: "file" | "folder" | "glob";
  paths: string[];
}

const globCharacters = /[*?[\]{}]/;

/**
 * Resolves the paths given to `validate` (relative to the current folder) against the repository's
 * listed files. Nothing named is dropped in silence: a path that does not exist, a glob that matches no
 * file and a path outside the repository are usage errors.
 */
export async function selectPaths(
  root: string,
  userPaths: readonly string[],
  listed: ReadonlySet<string>,
  // What is at a path: on disk by default; in the index for `validate --staged`.
  look: (path: string) => Promise<DiskEntry | undefined> = (path) => lookAt(root, path),
): Promise<NamedPath[]> {
  const named: NamedPath[] = [];
  for (const given of userPaths) {
    const path = repoPathOf(root, given);
    if (path === undefined) throw new UsageError(`${given} is outside the repository ${root}: validate checks only the repository's own files`);
    const entry = await look(path).catch(() => undefined);
    if (entry === undefined) {
      if (!globCharacters.test(path)) throw new UsageError(`${given} does not exist`);
      // Loaded for a glob only: the matcher's compiler is most of a small validate's main-thread start.
      const { createMatcher, globProblem } = await import("../config/check-globs.js");
      const problem = globProblem(path);
      if (problem) throw new UsageError(`${given}: ${problem}`);
      const matches = createMatcher([path]);
      const paths = [...listed].filter(matches).sort();
      if (paths.length === 0) throw new UsageError(`no file matches ${given}`);
      named.push({ given, kind: "glob", paths });
    } else if (entry.kind === "folder" && !listed.has(path)) {
      // Listed files only: what git ignores (node_modules/, build output) is not the repository's config.
      named.push({ given, kind: "folder", paths: [...listed].filter((p) => path === "" || p.startsWith(`${path}/`)).sort() });
    } else {
      // A file (even one git ignores, when named), a link, or a submodule git lists as one entry.
      named.push({ given, kind: "file", paths: [path] });
    }
  }
  return named;
}
