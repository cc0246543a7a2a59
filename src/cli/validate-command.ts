import { readFile } from "node:fs/promises";
import { configPath } from "../config/config-types.js";
import type { ChangeSet, DeferredContent, FileChange, FileContent } from "../engine/change-set.js";
import { mapConcurrent } from "../engine/map-concurrent.js";
import { holdHeapsForLargeRun } from "../evaluation/heap-flags.js";
import type { EvaluationPool } from "../evaluation/evaluation-pool.js";
import { repositoryRoot } from "../git/repository-root.js";
import { runGit } from "../git/run-git.js";
import type { Evaluation } from "./check-command.js";
import type { CliOptions } from "./cli-options.js";
import type { Progress } from "./progress.js";
import { reportNothingValidated } from "./nothing-validated.js";
import { inSnapshotWords } from "./snapshot-wording.js";
import { selectPaths, type NamedPath } from "./select-paths.js";
import type { Snapshot } from "./staged-files.js";
import { today } from "./today.js";
import { diskLook, readWorkingBytes, workingTreeReader, type DiskEntry } from "./working-tree.js";

/** A verdict, and what the user should hear about the paths they named (written to stderr). */
export type ValidateResult = Evaluation & { notes: string[] };

/**
 * `gitgate validate [--staged] [PATH|FOLDER|GLOB...]`: files as they are in the working tree (with
 * --staged: in the index, as the next commit holds them), config from the same place. The repository is found from any folder in it (git's top level); paths are relative to
 * the current folder. Nothing is read outside the repository or through a symbolic link: a link is a
 * finding, never followed.
 */
export async function runValidate(options: CliOptions, pool: EvaluationPool, progress?: Progress): Promise<ValidateResult> {
  const root = await repositoryRoot(options.repo);
  const configText = options.config !== undefined ? await readFile(options.config, "utf8") : undefined;
  // The index is read through git's trees and blobs, code a working-tree validate does not load.
  const snapshot = options.staged ? await (await import("./staged-files.js")).stagedSnapshot(root) : await workingTreeSnapshot(root);
  const { listed } = snapshot;
  // Resolved before the evaluation: a path that does not exist is a usage error, not a verdict.
  const named = options.paths.length > 0 ? await selectPaths(root, options.paths, listed, snapshot.look) : undefined;
  // In the order of the job's: the worker answers with a flag for each.
  const candidates = named ? [...new Set(named.flatMap((n) => n.paths))] : [...listed];
  if (candidates.length >= largeRunFiles) holdHeapsForLargeRun();
  const notes: string[] = [];
  let maxFileBytes = 0;
  const evaluation = await pool.evaluate({
    ...(configText !== undefined ? { configText } : {}),
    repositoryFiles: { paths: [...listed], where: snapshot.where },
  }, {
    read: snapshot.reader.read,
    list: snapshot.reader.list,
    changes: async (route): Promise<ChangeSet> => {
      maxFileBytes = route.maxFileBytes;
      // None when the config has errors: it governs nothing then.
      const governed = new Set(candidates.filter((_, i) => route.governed?.[i] === 1));
      const files: FileChange[] = [];
      const checked = new Set<string>();
      const contents = await snapshot.contents(candidates.filter((path) => path !== configPath), route.maxFileBytes);
      for (const [path, content] of contents) {
        if (!content) continue;
        // Links are handed on as they are: the engine decides which could hold governed files or are
        // control-plane files, and reports those.
        const link = content.kind === "symlink" || content.kind === "submodule";
        if (link || governed.has(path)) {
          files.push({ path, status: "added", after: content });
          checked.add(path);
        }
      }
      if (named && route.governed) notes.push(...namedPathNotes(named, checked));
      // Files are counted as the worker asks for them, which it does only for files read as it goes.
      if (snapshot.read) progress?.setTotal(files.length);
      return { base: "(none)", head: snapshot.head, files };
    },
    ...(snapshot.read
      ? {
          contents: (paths: string[]) => mapConcurrent(paths, 16, (path) => {
            progress?.advance();
            return snapshot.read!(path, maxFileBytes);
          }),
        }
      : {}),
  }, { snapshot: true, today: today() }, { candidates: named ? candidates : "repository-files" });
  return { ...reportNothingValidated(inSnapshotWords(evaluation, snapshot.where), named !== undefined, snapshot.where), notes };
}

/**
 * Files from which a validate holds its threads' heaps near their live data: a run long enough for
 * them to grow well past it (about a second; a smaller one does not pay the code cache it costs).
 */
const largeRunFiles = 1000;

/** The working tree: tracked and untracked-but-not-ignored files, as they are on disk. */
async function workingTreeSnapshot(root: string): Promise<Snapshot> {
  const listed = await listFiles(root);
  const look = diskLook(root);
  return {
    where: "in the working tree",
    head: "working tree",
    listed,
    look,
    // Files are listed now and read when the engine judges them (see Snapshot.read).
    async contents(paths) {
      // Several lstat calls in flight: one at a time, listing a large tree was most of its latency.
      const entries = await mapConcurrent(paths, 16, (path) => entryAt(look, path, listed.has(path)));
      return new Map(paths.map((path, i) => [path, entries[i]]));
    },
    read: (path, maxBytes) => readWorkingBytes(root, path, maxBytes, look),
    reader: workingTreeReader(root),
  };
}

/** What was named but not checked: files the config does not govern, folders and globs holding none it does. */
function namedPathNotes(named: readonly NamedPath[], checked: ReadonlySet<string>): string[] {
  const notes: string[] = [];
  const ungoverned = named.filter((n) => n.kind === "file" && !n.paths.some((p) => checked.has(p))).map((n) => n.given);
  if (ungoverned.length > 0) notes.push(`not checked, the config does not govern ${ungoverned.length === 1 ? "it" : "them"}: ${ungoverned.join(", ")}`);
  for (const n of named.filter((n) => n.kind !== "file" && !n.paths.some((p) => checked.has(p)))) {
    notes.push(`${n.given}: ${n.kind === "folder" ? "no file in it" : "no file it matches"} is governed by the config: nothing checked there`);
  }
  return notes;
}

/** A path on disk: a file (read later, see EvaluationHost.contents), a link, or a folder git listed as an entry, i.e. a submodule. */
async function entryAt(look: (path: string) => Promise<DiskEntry | undefined>, path: string, listedByGit: boolean): Promise<FileContent | DeferredContent | undefined> {
  const entry = await look(path);
  if (entry?.kind === "folder") return listedByGit ? { kind: "submodule" } : undefined;
  if (entry?.kind === "symlink") return { kind: "symlink" };
  return entry?.kind === "file" ? { kind: "deferred" } : undefined;
}

/**
 * Tracked and untracked-but-not-ignored paths, as git sees the working tree. Git lists a submodule (and
 * an untracked repository inside this one, with a trailing "/") as one entry, never the files in it.
 */
async function listFiles(root: string): Promise<Set<string>> {
  const out = await runGit(root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]);
  return new Set(out.toString().split("\0").filter(Boolean).map((path) => path.replace(/\/$/, "")));
}
