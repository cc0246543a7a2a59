import type { GitgateConfig } from "../config/config-types.js";
import { setsSection } from "../config/config-sections.js";
import { loadConfig } from "../config/load-config.js";
import { resolveConfig } from "../config/load-control-plane.js";

/** What the guard needs from the config at a protected branch's tip, decided in the worker (the config is untrusted). */
export interface GuardSettings {
  /** The config (the repository's or the organisation's) has a `protect:` section: the guard is on. */
  enabled: boolean;
  /** False when the config has errors: the guard then watches the default branch with the default actions. */
  configValid: boolean;
  /** Globs of protected branches; undefined: the repository's default branch. */
  branches?: string[];
  onBypass: GitgateConfig["protect"]["onBypass"];
  /** Report weakened branch protection, or also restore it. */
  branchProtection: GitgateConfig["protect"]["branchProtection"];
  /** The config has an `approvals:` section, so merged heads must have passed `gitgate/approval` too. */
  requireApproval: boolean;
}

/**
 * The guard's settings from the config text (and the organisation's, when it is inherited). Only the
 * config is parsed: no schema or policy is read or compiled for a push. A broken config keeps the
 * guard on with its defaults: an attacker who breaks the config must not switch the guard off.
 */
export function guardSettingsOf(configText: string | undefined, configPath: string, inherited: { text: string; source: string } | undefined): GuardSettings {
  const inheritedConfig = inherited ? loadConfig(inherited.text, inherited.source) : undefined;
  const resolved = resolveConfig(configText, configPath, inheritedConfig);
  const says = (section: string) => setsSection(configText, section, configPath) || setsSection(inherited?.text, section, inherited?.source);
  const config = resolved.errors.length === 0 ? resolved.config : undefined;
  if (!config) return { enabled: says("protect"), configValid: false, onBypass: ["check", "issue"], branchProtection: "report", requireApproval: says("approvals") };
  const ownKeys = configText === undefined ? [] : loadConfig(configText, configPath).keys ?? [];
  // Inherited sections count only when the repository's config inherits (or has none of its own).
  const fromInherited = configText === undefined || config.extends !== undefined;
  const has = (key: string) => ownKeys.includes(key) || (fromInherited && setsSection(inherited?.text, key, inherited?.source));
  return {
    enabled: has("protect"),
    configValid: true,
    ...(config.protect.branches ? { branches: config.protect.branches } : {}),
    onBypass: config.protect.onBypass,
    branchProtection: config.protect.branchProtection,
    requireApproval: has("approvals"),
  };
}
