import { parseFile } from "../engine/parse/parse-file.js";
import { defaultParseLimits } from "../engine/parse/parse-limits.js";
import type { GitgateConfig } from "./config-types.js";
import { loadConfig } from "./load-config.js";

/**
 * Whether a config's text sets a top-level section. A valid config is read for its keys, however they
 * are written (quoted, in flow style), and only those count. A broken config must not switch off what
 * it asks for (approvals, the guard): the section counts when the text read as YAML has the key, or
 * when the key, quoted or not, appears where a key can start (a line's start, after blanks, `{` or `,`).
 * That may see a key that is not one (in a comment, say), which only ever switches a check on.
 */
export function setsSection(text: string | undefined, section: string, path?: string): boolean {
  if (text === undefined) return false;
  // By the path it is loaded by elsewhere in the job, so that this is the same load, not another.
  const { keys } = loadConfig(text, path);
  if (keys) return keys.includes(section);
  const [first] = parseFile("config", { kind: "text", text, size: text.length }, defaultParseLimits).documents;
  const value = first?.value;
  if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.hasOwn(value, section)) return true;
  return new RegExp(`(?:^|[\\s{,])(?:${section}|"${section}"|'${section}')\\s*:`).test(text);
}

/**
 * The `approvals` section of a config that does not load as a whole (another section is broken, or a
 * newer Gitgate checks it more strictly), read on its own: who may repair a broken config is still
 * what its own approvals section says (its `control_plane` reviewers), never whoever writes. Undefined
 * when the text has no such section or the section itself is not valid.
 */
export function approvalsSectionOf(text: string | undefined, path?: string): GitgateConfig["approvals"] | undefined {
  if (text === undefined) return undefined;
  const [first] = parseFile("config", { kind: "text", text, size: text.length }, defaultParseLimits).documents;
  const value = first?.valid ? first.value : undefined;
  if (value === null || typeof value !== "object" || Array.isArray(value) || !Object.hasOwn(value, "approvals")) return undefined;
  return loadConfig(JSON.stringify({ version: 1, approvals: (value as Record<string, unknown>).approvals }), path).config?.approvals;
}
