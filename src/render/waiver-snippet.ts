import type { Finding } from "../engine/finding.js";

/** The Kubernetes object an ObjectDiff id names: `apps/v1 Deployment orders/api`. */
export function objectOfId(id: string): { kind: string; namespace?: string; name: string } | undefined {
  const match = /^\S+ (\S+) (?:([^/\s]+)\/)?([^/\s]+)$/.exec(id);
  if (!match) return undefined;
  return { kind: match[1]!, ...(match[2] !== undefined ? { namespace: match[2] } : {}), name: match[3]! };
}

/** The control plane's own findings cannot be waived: a waiver must not switch off the rules' guard. */
export function isWaivable(finding: Pick<Finding, "source" | "rule" | "severity">): boolean {
  return finding.severity !== "notice" && finding.source !== "config" && !/^(config|exceptions)\//.test(finding.rule);
}

/**
 * An entry for the exceptions file that waives `finding` for its object (or, outside one, its file),
 * in the file's own format. Owner, reason and expiry are left for the author to fill in on purpose:
 * a waiver is a decision someone answers for, never a paste-and-forget.
 */
export function waiverSnippet(finding: Pick<Finding, "rule" | "path">, objectId: string | undefined): string {
  // Values are JSON strings, which YAML reads as they are: no name or path can add a key.
  const q = (text: string) => JSON.stringify(text);
  const object = objectId !== undefined ? objectOfId(objectId) : undefined;
  const scope = object
    ? `    object: { kind: ${q(object.kind)}${object.namespace !== undefined ? `, namespace: ${q(object.namespace)}` : ""}, name: ${q(object.name)} }`
    : `    files: [${q(finding.path)}]`;
  return [
    "exceptions:",
    `  - rule: ${q(finding.rule)}`,
    scope,
    `    reason: "why this is acceptable for now (a ticket helps)"`,
    `    owner: "@the-team-that-answers-for-it"`,
    `    expires: "YYYY-MM-DD" # the last day it holds; limits.exception_max_days caps it`,
  ].join("\n");
}
