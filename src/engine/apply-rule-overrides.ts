import type { RuleOverride } from "../config/config-types.js";
import type { DraftFinding } from "./finding.js";

/** `policies.rules` in the config: "off" drops a rule's findings, a severity replaces the rule's own. */
export function applyRuleOverrides(findings: DraftFinding[], overrides: Readonly<Record<string, RuleOverride>>): DraftFinding[] {
  if (Object.keys(overrides).length === 0) return findings;
  return findings.flatMap((finding) => {
    // The control plane's own problems cannot be switched off: that would make a broken config pass.
    const override = finding.source === "config" ? undefined : overrides[finding.rule];
    if (override === "off") return [];
    return override ? [{ ...finding, severity: override }] : [finding];
  });
}
