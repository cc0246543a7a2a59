import { isScalar, Scalar, visit, type Document, type LineCounter } from "yaml";
import type { DraftFinding } from "../finding.js";
import { spanOfRange } from "./locate.js";

// Unquoted words that YAML 1.1 readers (kubectl, Helm, go-yaml v2) turn into booleans.
const yaml11Booleans = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

/**
 * Finds constructs that Gitgate (YAML 1.2) and the tools that apply the file (YAML 1.1) read
 * differently, so a value that passes validation would mean something else in production.
 */
export function findYamlHazards(
  path: string,
  index: number,
  doc: Document,
  lineCounter: LineCounter,
): DraftFinding[] {
  const findings: DraftFinding[] = [];
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.type === Scalar.PLAIN && pair.key.value === "<<") {
        const range = pair.key.range ?? [0, 0];
        findings.push({
          severity: "error",
          rule: "yaml/merge-key",
          message:
            "'<<' merge key: YAML 1.1 tools such as kubectl and Helm merge it, YAML 1.2 reads it as a " +
            "plain key, so what is validated is not what is applied. Write the keys out instead.",
          path,
          document: index,
          source: "parse",
          ...spanOfRange(lineCounter, range[0], range[1]),
        });
      }
    },
    Scalar(key, node) {
      if (key === "key" || node.type !== Scalar.PLAIN || typeof node.value !== "string") return;
      if (!yaml11Booleans.test(node.value)) return;
      const range = node.range ?? [0, 0];
      findings.push({
        severity: "warning",
        rule: "yaml/yaml11-boolean",
        message:
          `Unquoted '${node.value}' is a string in YAML 1.2 but a boolean to YAML 1.1 readers such as ` +
          `kubectl and Helm. Quote it ("${node.value}") or write true/false.`,
        path,
        document: index,
        source: "parse",
        ...spanOfRange(lineCounter, range[0], range[1]),
      });
    },
  });
  return findings;
}

