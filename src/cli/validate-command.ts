import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { createMatcher } from "../config/check-globs.js";
import { configPath } from "../config/config-types.js";
import { toFileContent, type ChangeSet, type FileChange } from "../engine/change-set.js";
import { withEvaluationPool } from "../evaluation/evaluation-pool.js";
import { runGit } from "../git/run-git.js";
import type { RepoReader } from "../config/repo-reader.js";
import type { Evaluation } from "./check-command.js";
import type { CliOptions } from "./cli-options.js";
import { today } from "./today.js";

/** `gitgate validate [PATH...]`: files as they are in the working tree, config from the working tree. */
export async function runValidate(options: CliOptions): Promise<Evaluation> {
  const root = resolve(options.repo);
  const configText = options.config !== undefined ? await readFile(options.config, "utf8") : undefined;
  const reader = workingTreeReader(root);
  // The control plane is built and the files judged in a bounded worker; this thread only reads files.
  return withEvaluationPool(process.env, (pool) => pool.evaluate(configText !== undefined ? { configText } : {}, {
    read: reader.read,
    list: reader.list,
    changes: async (route): Promise<ChangeSet> => {
      const maxBytes = route.maxFileBytes;
      const candidates = options.paths.length > 0
        ? options.paths.map((p) => relative(root, resolve(p)).split(sep).join("/"))
        : await listFiles(root);
      const governed = route.governed ? createMatcher(route.governed.files, route.governed.ignore) : () => false;
      const files: FileChange[] = [];
      for (const path of candidates.filter((p) => governed(p) && p !== configPath)) {
        const bytes = await readFile(join(root, path)).catch(() => undefined);
        if (bytes) files.push({ path, status: "added", after: toFileContent(bytes, maxBytes) });
      }
      return { base: "(none)", head: "working tree", files };
    },
  }, { snapshot: true, today: today() }));
}

/** Tracked and untracked-but-not-ignored files, as git sees the working tree. */
async function listFiles(root: string): Promise<string[]> {
  const out = await runGit(root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]);
  return [...new Set(out.toString().split("\0").filter(Boolean))];
}

/** The working tree as a control-plane reader: config, schemas and policies as they are on disk. */
function workingTreeReader(root: string): RepoReader {
  return {
    async read(path) {
      try {
        return await readFile(join(root, path), "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    },
    async list(path) {
      const full = join(root, path);
      const info = await stat(full).catch(() => undefined);
      if (!info) return [];
      if (info.isFile()) return [path];
      const entries = await readdir(full, { recursive: true, withFileTypes: true });
      return entries
        .filter((e) => e.isFile())
        .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join("/"))
        .sort();
    },
  };
}
