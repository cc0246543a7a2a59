import { slug } from "github-slugger";
import { engineRules } from "./engine-rules.js";
import { packRules } from "./pack-rules.js";
import type { RuleDoc } from "./rule-doc.js";

/** Where Gitgate's documentation lives; SARIF and the PR comment link into it. */
export const projectUrl = "https://github.com/gitgate/gitgate";
export const rulesDocPath = "docs/rules.md";

let catalog: Map<string, RuleDoc> | undefined;

/** Every built-in rule: the engine's, then the built-in packs'. */
export function ruleCatalog(): RuleDoc[] {
  return [...catalogMap().values()];
}

function catalogMap(): Map<string, RuleDoc> {
  catalog ??= new Map([...engineRules, ...packRules()].map((rule) => [rule.id, rule]));
  return catalog;
}

/** The built-in rule a finding's rule id belongs to (`schema/enum` → the `schema/*` family), if any. */
export function ruleDocOf(id: string): RuleDoc | undefined {
  const rules = catalogMap();
  const exact = rules.get(id);
  if (exact) return exact;
  const family = /^([a-z0-9]+)\/[A-Za-z0-9]+$/.exec(id)?.[1];
  return family === "schema" ? rules.get("schema/*") : undefined;
}

/** The heading of a rule's section in docs/rules.md: the id itself, so its anchor is stable. */
export function ruleHeading(rule: Pick<RuleDoc, "id">): string {
  return rule.id;
}

/** GitHub's anchor for a rule's section (github-slugger is GitHub's own algorithm). */
export function ruleAnchor(rule: Pick<RuleDoc, "id">): string {
  return slug(ruleHeading(rule));
}

/** The link to a built-in rule's section, or undefined for a repository's own rule. */
export function ruleDocUrl(id: string): string | undefined {
  const rule = ruleDocOf(id);
  return rule ? `${projectUrl}/blob/main/${rulesDocPath}#${ruleAnchor(rule)}` : undefined;
}
