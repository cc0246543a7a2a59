import type { Finding } from "../engine/finding.js";

export function locationOf(finding: Pick<Finding, "path" | "line" | "column">): string {
  return `${finding.path}:${finding.line}:${finding.column}`;
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}
