import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { createMatcher } from "../config/check-globs.js";
import { configPath } from "../config/config-types.js";
import type { ChangeSet, FileChange, FileContent } from "../engine/change-set.js";
import { withEvaluationPool } from "../evaluation/evaluation-pool.js";
import { runGit } from "../git/run-git.js";
import type { Evaluation } from "./check-command.js";
import { UsageError, type CliOptions } from "./cli-options.js";
import { today } from "./today.js";
import { lookAt, readWorkingFile, repoPathOf, workingTreeReader } from "./working-tree.js";

/**
 * `gitgate validate [PATH...]`: files as they are in the working tree, config from the working tree.
 * Nothing is read outside the repository or through a symbolic link: a link is a finding, never followed.
 */
export async function runValidate(options: CliOptions): Promise<Evaluation> {
  const root = resolve(options.repo);
  const configText = options.config !== undefined ? await readFile(options.config, "utf8") : undefined;
  const reader = workingTreeReader(root);
  // The control plane is built and the files judged in a bounded worker; this thread only reads files.
  return withEvaluationPool(process.env, (pool) => pool.evaluate(configText !== undefined ? { configText } : {}, {
    read: reader.read,
    list: reader.list,
    changes: async (route): Promise<ChangeSet> => {
      const listed = await listFiles(root);
      const candidates = options.paths.length > 0 ? selectPaths(root, options.paths, [...listed]) : listed;
      const governed = route.governed ? createMatcher(route.governed.files, route.governed.ignore) : () => false;
      const files: FileChange[] = [];
      for (const path of candidates) {
        if (path === configPath) continue;
        const content = await contentAt(root, path, route.maxFileBytes, listed.has(path));
        if (!content) continue;
        // Links are handed on as they are: the engine decides which could hold governed files or are
        // control-plane files, and reports those.
        const link = content.kind === "symlink" || content.kind === "submodule";
        if (link || governed(path)) files.push({ path, status: "added", after: content });
      }
      return { base: "(none)", head: "working tree", files };
    },
  }, { snapshot: true, today: today() }));
}

/** A path on disk: a file, a link, or a folder git listed as an entry, i.e. a submodule. */
async function contentAt(root: string, path: string, maxBytes: number, listedByGit: boolean): Promise<FileContent | undefined> {
  const entry = await lookAt(root, path);
  if (entry?.kind === "folder") return listedByGit ? { kind: "submodule" } : undefined;
  return entry?.kind === "file" || entry?.kind === "symlink" ? readWorkingFile(root, path, maxBytes) : undefined;
}

/**
 * Tracked and untracked-but-not-ignored paths, as git sees the working tree. Git lists a submodule (and
 * an untracked repository inside this one, with a trailing "/") as one entry, never the files in it.
 */
async function listFiles(root: string): Promise<Set<string>> {
  const out = await runGit(root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]);
  return new Set(out.toString().split("\0").filter(Boolean).map((path) => path.replace(/\/$/, "")));
}

/** The listed paths the user named (a folder names what is listed below it); a path outside the repository is refused. */
function selectPaths(root: string, userPaths: readonly string[], listed: readonly string[]): string[] {
  const selected = new Set<string>();
  for (const userPath of userPaths) {
    const path = repoPathOf(root, userPath);
    if (path === undefined) throw new UsageError(`${userPath} is outside the repository ${root}: validate checks only the repository's own files`);
    const below = listed.filter((p) => path === "" || p === path || p.startsWith(`${path}/`));
    // A path git does not list (an ignored file, say) is still checked when named.
    for (const p of below.length > 0 ? below : [path]) selected.add(p);
  }
  return [...selected];
}
