import type { DraftFinding } from "../engine/finding.js";
import { compileLinearGlob } from "./linear-glob.js";
import { loadConfig } from "./load-config.js";

/**
 * A warning on every config glob (but `ignore`'s) that matches none of `files` (the repository's files where the
 * config is read: the base commit for check, the working tree for validate). A typo such as `k8z/**`
 * otherwise turns validation off for those files without a word. `known` globs are not warned of (an
 * edited config's globs that its base had already).
 */
export function unmatchedGlobFindings(configText: string, configPath: string, files: readonly string[], where: string, known: ReadonlySet<string> = new Set()): DraftFinding[] {
  const { globs = [] } = loadConfig(configText, configPath);
  const findings: DraftFinding[] = [];
  for (const { glob, pointer, ...at } of globs) {
    // An `ignore` glob matching nothing is harmless and often defensive (`**/node_modules/**`), and a
    // typo in one is not silent: the files it meant to skip are judged and show up as findings.
    if (pointer.startsWith("/ignore/") || known.has(glob)) continue;
    const matches = compileLinearGlob(glob);
    if (files.some((path) => matches(path))) continue;
    // A folder's name, as CODEOWNERS and .gitignore write one: a glob matches files, never a folder.
    const folder = glob.replace(/\/+$/, "");
    const namesFolder = folder !== "" && !/[*?[\]{}!]/.test(folder) && files.some((path) => path.startsWith(`${folder}/`));
    findings.push({
      severity: "warning", rule: "config/glob-matches-nothing", source: "config", path: configPath, pointer, ...at,
      message: namesFolder
        ? `${keyOf(pointer)}: "${glob}" names a folder, and a glob matches files, never a folder, so it selects nothing: write "${folder}/**" for the files in it`
        : `${keyOf(pointer)}: "${glob}" matches no file ${where}, so it selects nothing: check it for a typo, or remove it`,
    });
  }
  return findings;
}

/** `/schemas/0/files/1` → `schemas[0].files[1]`, as a user finds it in the YAML. */
function keyOf(pointer: string): string {
  return pointer.split("/").slice(1).map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`)).join("");
}
