import type { RuleOverride } from "../config/config-types.js";
import type { DraftFinding } from "./finding.js";

/**
 * `policies.rules` in the config: "off" drops a rule's findings, a severity replaces the rule's own.
 * Rule ids come from repository policies, so they are looked up in a Map: an id such as `valueOf` or
 * `__proto__` must never find a property every JavaScript object inherits.
 */
export function applyRuleOverrides(findings: DraftFinding[], overrides: ReadonlyMap<string, RuleOverride>): DraftFinding[] {
  if (overrides.size === 0) return findings;
  return findings.flatMap((finding) => {
    // The control plane's own problems cannot be switched off: that would make a broken config pass.
    const override = finding.source === "config" ? undefined : overrides.get(finding.rule);
    if (override === "off") return [];
    return override ? [{ ...finding, severity: override }] : [finding];
  });
}
