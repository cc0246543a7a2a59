import type { RuleGuarantees } from "../engine/guard/classify-drift.js";

/** A classic branch protection rule as the branch_protection_rule webhook describes it (the fields the guard reads). */
export interface WebhookProtectionRule {
  required_status_checks?: string[];
  required_status_checks_enforcement_level?: string;
  admin_enforced?: boolean;
  allow_force_pushes_enforcement_level?: string;
  allow_deletions_enforcement_level?: string;
}

/** What a classic rule guaranteed; in the webhook, "off" for force pushes and deletions means "not allowed". */
export function classicRuleGuarantees(rule: WebhookProtectionRule): RuleGuarantees {
  return {
    checks: rule.required_status_checks_enforcement_level === "off" ? [] : (rule.required_status_checks ?? []),
    checksBindAdmins: rule.admin_enforced === true,
    forcePushesForbidden: rule.allow_force_pushes_enforcement_level === "off",
    deletionForbidden: rule.allow_deletions_enforcement_level === "off",
  };
}

/** The rule before an `edited` event: each changed field's `from`. */
export function ruleBefore<T extends object>(rule: T, changes: Record<string, { from?: unknown } | undefined> | undefined): T {
  const before = { ...rule } as Record<string, unknown>;
  for (const [field, change] of Object.entries(changes ?? {})) if (change && "from" in change) before[field] = change.from;
  return before as T;
}

export interface WebhookRulesetRule {
  type: string;
  parameters?: { required_status_checks?: { context: string }[] } | object;
}

/** What a ruleset's rules guaranteed (rulesets bind administrators unless they are on its bypass list). */
export function rulesetGuarantees(rules: readonly WebhookRulesetRule[]): RuleGuarantees {
  return {
    checks: rules.flatMap((r) => (r.type === "required_status_checks" && r.parameters && "required_status_checks" in r.parameters ? (r.parameters.required_status_checks ?? []).map((c) => c.context) : [])),
    checksBindAdmins: true,
    forcePushesForbidden: rules.some((r) => r.type === "non_fast_forward"),
    deletionForbidden: rules.some((r) => r.type === "deletion"),
  };
}
