import { parseFile } from "../engine/parse/parse-file.js";
import { defaultParseLimits } from "../engine/parse/parse-limits.js";

/**
 * Whether a config's text sets a top-level section, valid or not: a broken config must not switch off
 * what it asks for (approvals, the guard). Read as YAML, any way of writing the key counts (quoted, in
 * flow style); where the text does not read as YAML, a line that starts with the key, quoted or not,
 * does. Either is enough, so a config that means to set the section is never read as not setting it.
 */
export function setsSection(text: string | undefined, section: string): boolean {
  if (text === undefined) return false;
  const [first] = parseFile("config", { kind: "text", text, size: text.length }, defaultParseLimits).documents;
  const value = first?.value;
  if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.hasOwn(value, section)) return true;
  return text.split("\n").some((line) => [section, `"${section}"`, `'${section}'`].some((key) => line.startsWith(key) && /^\s*:/.test(line.slice(key.length))));
}
