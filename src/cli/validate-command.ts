import { readFile } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { createMatcher } from "../config/check-globs.js";
import { configPath } from "../config/config-types.js";
import { loadControlPlane } from "../config/load-control-plane.js";
import { toFileContent, type FileChange } from "../engine/change-set.js";
import { evaluateChangeSet } from "../engine/evaluate-change-set.js";
import { runGit } from "../git/run-git.js";
import type { Evaluation } from "./check-command.js";
import type { CliOptions } from "./cli-options.js";

/** `gitgate validate [PATH...]`: files as they are in the working tree, config from the working tree. */
export async function runValidate(options: CliOptions): Promise<Evaluation> {
  const root = resolve(options.repo);
  const readWorkingTree = async (path: string) => {
    try {
      return await readFile(join(root, path), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  };
  const plane = await loadControlPlane(readWorkingTree, {
    ...(options.config !== undefined ? { configText: await readFile(options.config, "utf8") } : {}),
  });
  const config = plane.config;
  const maxBytes = config?.limits.maxFileBytes ?? 1024 * 1024;
  const candidates = options.paths.length > 0
    ? options.paths.map((p) => relative(root, resolve(p)).split(sep).join("/"))
    : await listFiles(root);
  const governed = config ? createMatcher(config.files, config.ignore) : () => false;
  const files: FileChange[] = [];
  for (const path of candidates.filter((p) => governed(p) && p !== configPath)) {
    const bytes = await readFile(join(root, path)).catch(() => undefined);
    if (bytes) files.push({ path, status: "added", after: toFileContent(bytes, maxBytes) });
  }
  const report = await evaluateChangeSet(plane, { base: "(none)", head: "working tree", files }, { snapshot: true });
  return { report, plane };
}

/** Tracked and untracked-but-not-ignored files, as git sees the working tree. */
async function listFiles(root: string): Promise<string[]> {
  const out = await runGit(root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]);
  return [...new Set(out.toString().split("\0").filter(Boolean))];
}
