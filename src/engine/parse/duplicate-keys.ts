import { isMap, isPair, isScalar, YAMLParseError, type Document } from "yaml";
import { walkYaml } from "./yaml-walk.js";

/**
 * Finds keys repeated within one map, with a set per map: the `yaml` package's own check compares every
 * key with every earlier one, and a flat map of 75,000 keys took minutes. Two keys are the same when
 * they become the same key of the JSON object the cluster gets: Kubernetes' YAML reader writes every
 * key as a string, so `1` and `"1"`, or `on` (true in YAML 1.1) and `"true"`, are one key, and which
 * value it keeps is not defined (`.nan` never repeats).
 */
export function findDuplicateKeys(doc: Document): YAMLParseError[] {
  const errors: YAMLParseError[] = [];
  walkYaml(doc.contents, {
    enter(node) {
      if (!isMap(node)) return;
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const value = pair.key.value;
        if (typeof value === "number" && Number.isNaN(value)) continue;
        const key = String(value);
        if (seen.has(key)) {
          const start = pair.key.range?.[0] ?? 0;
          errors.push(new YAMLParseError([start, start + 1], "DUPLICATE_KEY", "Map keys must be unique"));
        } else seen.add(key);
      }
    },
  });
  return errors;
}
