import { isAlias, isMap, isScalar, isSeq, Scalar, visit, type Document, type LineCounter, type Node, type YAMLMap } from "yaml";
import type { DraftFinding } from "../finding.js";
import { spanOfRange } from "./locate.js";

/** How a file's YAML is read: by the YAML 1.2 core schema, or as kubectl reads manifests (YAML 1.1). */
export type YamlVersion = "1.1" | "1.2";

// Unquoted words that YAML 1.1 readers (kubectl, Argo CD, Flux, Helm: go-yaml v2) turn into booleans.
const yaml11Booleans = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;
const yaml11True = /^(?:y|Y|yes|Yes|YES|on|On|ON)$/;

const readers = "kubectl, Argo CD and Flux";

/**
 * Finds constructs whose meaning depends on the YAML version, so a person may not get what they wrote.
 * Read as YAML 1.2, `yes` is a string and `<<` a plain key, yet the tools that apply manifests read
 * YAML 1.1: a warning says so for booleans, and a merge key is an error (what is validated is not what
 * is applied). Read as YAML 1.1 (manifests), the values already are what the cluster gets: the warning
 * says what `yes` became; merge keys are the subject of findMergeHazards.
 */
export function findYamlHazards(
  path: string,
  index: number,
  doc: Document,
  lineCounter: LineCounter,
  version: YamlVersion,
): DraftFinding[] {
  const findings: DraftFinding[] = [];
  const at = (node: Node) => spanOfRange(lineCounter, node.range?.[0] ?? 0, node.range?.[1] ?? 0);
  visit(doc, {
    Pair(_, pair) {
      if (version === "1.2" && isScalar(pair.key) && pair.key.type === Scalar.PLAIN && pair.key.value === "<<") {
        findings.push({
          severity: "error",
          rule: "yaml/merge-key",
          message:
            "'<<' merge key: YAML 1.1 tools such as kubectl and Helm merge it, YAML 1.2 reads it as a " +
            "plain key, so what is validated is not what is applied. Write the keys out instead.",
          path, document: index, source: "parse", ...at(pair.key),
        });
      }
    },
    Scalar(key, node) {
      if (node.type !== Scalar.PLAIN || !node.source || !yaml11Booleans.test(node.source)) return;
      if (version === "1.2") {
        // Keys stay quiet in YAML 1.2 files: those are not manifests, and `on:` (GitHub Actions) is common.
        if (key === "key") return;
        findings.push({
          severity: "warning", rule: "yaml/yaml11-boolean", path, document: index, source: "parse", ...at(node),
          message:
            `Unquoted '${node.source}' is a string in YAML 1.2 but a boolean to YAML 1.1 readers such as ` +
            `kubectl and Helm. Quote it ("${node.source}") or write true/false.`,
        });
        return;
      }
      const becomes = yaml11True.test(node.source) ? "true" : "false";
      findings.push({
        severity: "warning", rule: "yaml/yaml11-boolean", path, document: index, source: "parse", ...at(node),
        message: key === "key"
          ? `Key \`${node.source}\` is read as the boolean ${becomes} by ${readers}, so the key becomes "${becomes}"; quote it if you mean the string.`
          : `\`${node.source}\` is read as the boolean ${becomes} by ${readers}; quote it if you mean the string.`,
      });
    },
  });
  return findings;
}

/**
 * Merge keys of a document read as YAML 1.1. go-yaml v2 (kubectl, Argo CD, Flux) applies a map's
 * entries in the order they are written, so a `<<` overrides keys written above it; the YAML 1.1 merge
 * draft, the `yaml` package and go-yaml v3 keep the keys written in the map. The two agree whenever no
 * merge brings a key the map has already set: then the merge is resolved (a warning, since YAML 1.2
 * tools do not merge); otherwise it is an error on the `<<`, naming the key. Run only on documents whose
 * aliases passed the alias budget: the keys walked here are at most the nodes aliases expand to.
 */
export function findMergeHazards(path: string, index: number, doc: Document, lineCounter: LineCounter): DraftFinding[] {
  const findings: DraftFinding[] = [];
  const keysOf = new Map<YAMLMap, Set<string>>();
  const resolve = (node: unknown): unknown => (isAlias(node) ? node.resolve(doc) : node);

  /** The keys a map ends up with, merged ones included; its conflicting merges are reported once. */
  const mapKeys = (map: YAMLMap, report: boolean): Set<string> => {
    const known = keysOf.get(map);
    if (known) return known;
    const seen = new Set<string>();
    keysOf.set(map, seen);
    for (const pair of map.items) {
      if (!isMergePair(pair.key)) {
        if (isScalar(pair.key)) seen.add(String(pair.key.value));
        continue;
      }
      const value = resolve(pair.value);
      const sources = isSeq(value) ? value.items.map(resolve) : [value];
      const merged = new Set<string>();
      // A source that is not a map is an error when the document is read: nothing to compare here.
      for (const source of sources) if (isMap(source)) for (const k of mapKeys(source, false)) merged.add(k);
      const overridden = [...merged].find((k) => seen.has(k));
      if (report) {
        const span = spanOfRange(lineCounter, (pair.key as Node).range?.[0] ?? 0, (pair.key as Node).range?.[1] ?? 0);
        findings.push(overridden === undefined
          ? {
            severity: "warning", rule: "yaml/merge-key", path, document: index, source: "parse", ...span,
            message: `'<<' merge key: merged as ${readers} merge it (YAML 1.1); YAML 1.2 tools read it as a plain key. Writing the keys out is clearer.`,
          }
          : {
            severity: "error", rule: "yaml/merge-key", path, document: index, source: "parse", ...span,
            message: `'<<' merges \`${overridden}\`, which this map already sets above it: ${readers} (go-yaml v2) take the merged value, ` +
              "other YAML readers keep the one written here. Put the '<<' line first, above the keys that override it.",
          });
      }
      for (const k of merged) seen.add(k);
    }
    return seen;
  };

  visit(doc, {
    Map(_, map) {
      if (map.items.some((pair) => isMergePair(pair.key))) {
        keysOf.delete(map);
        mapKeys(map, true);
      }
    },
  });
  return findings;
}

/** A plain `<<` key, which the YAML 1.1 schema resolves to a merge (a symbol); a quoted one is a key like any other. */
export function isMergePair(key: unknown): boolean {
  return isScalar(key) && key.type === Scalar.PLAIN && key.source === "<<";
}
