import { isMap, isPair, isScalar, YAMLParseError, type Document } from "yaml";
import { walkYaml } from "./yaml-walk.js";

/**
 * Finds keys repeated within one map, as the `yaml` package's `uniqueKeys` does, but with a set per
 * map: its own check compares every key with every earlier one, and a flat map of 75,000 keys
 * took minutes. Two keys are the same when they are the same node or scalars with equal values
 * (`===`, so `1` and `"1"` differ and `.nan` never repeats), exactly the package's rule.
 */
export function findDuplicateKeys(doc: Document): YAMLParseError[] {
  const errors: YAMLParseError[] = [];
  walkYaml(doc.contents, {
    enter(node) {
      if (!isMap(node)) return;
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const value = pair.key.value;
        if (typeof value === "number" && Number.isNaN(value)) continue;
        if (seen.has(value)) {
          const start = pair.key.range?.[0] ?? 0;
          errors.push(new YAMLParseError([start, start + 1], "DUPLICATE_KEY", "Map keys must be unique"));
        } else seen.add(value);
      }
    },
  });
  return errors;
}
