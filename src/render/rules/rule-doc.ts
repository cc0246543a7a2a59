import type { Severity } from "../../engine/finding.js";

/** One built-in rule as docs/rules.md and the PR comment describe it. */
export interface RuleDoc {
  /** The rule id findings carry; `schema/*` stands for a family of ids sharing one section. */
  id: string;
  /** The section of docs/rules.md it is listed under. */
  group: string;
  /** The severity it is reported with unless the config overrides it. */
  severity: Severity;
  title: string;
  description: string;
  /** What to change so the finding goes away. */
  fix: string;
}
