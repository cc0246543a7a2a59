import { createMatcher } from "../config/check-globs.js";
import type { GitgateConfig } from "../config/config-types.js";
import type { YamlReading } from "./parse/parse-file.js";

/**
 * How each governed path's YAML is read, from the config: the first `schemas` rule matching the path
 * that sets `yaml_version`; else the top-level `yaml_version` when it is not "auto"; else YAML 1.1 for
 * files a `schema: kubernetes` rule governs (they are manifests by declaration); else "auto", where a
 * file is read as kubectl reads it when one of its documents has `apiVersion` or `kind` at the top.
 */
export function yamlReadingOf(config: GitgateConfig): (path: string) => YamlReading {
  const rules = config.schemas.map((rule) => ({ ...rule, matches: createMatcher(rule.files) }));
  return (path) => {
    const chosen = rules.find((rule) => rule.yamlVersion !== undefined && rule.matches(path))?.yamlVersion;
    if (chosen) return chosen;
    if (config.yamlVersion !== "auto") return config.yamlVersion;
    return rules.some((rule) => rule.schema === "kubernetes" && rule.matches(path)) ? "1.1" : "auto";
  };
}
