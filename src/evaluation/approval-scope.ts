import type { GitgateConfig } from "../config/config-types.js";
import type { ControlPlane } from "../config/load-control-plane.js";
import { approvalScope } from "../engine/evaluate-change-set.js";

/**
 * What the approval check needs to know from the base's config, decided in the worker (the config is
 * untrusted and parsing it is the worker's job): whether the repository asks for `gitgate/approval`,
 * its `approvals` settings, and which changed files approvals are about.
 */
export interface ApprovalScope {
  /** The config (the repository's or the organisation's) has an `approvals:` section. */
  enabled: boolean;
  /** False when the config at the base has errors: only the control-plane rule applies then. */
  configValid: boolean;
  /** The normalized `approvals` section; defaults when the config is invalid. */
  settings?: GitgateConfig["approvals"];
  /** Changed files in scope (governed or control plane; every file when the config is invalid). */
  files: string[];
  controlPlaneChanged: boolean;
}

export interface ChangedPath {
  path: string;
  previousPath?: string;
}

export function approvalScopeOf(plane: ControlPlane, configText: string | undefined, changed: readonly ChangedPath[]): ApprovalScope {
  const configValid = plane.config !== undefined && !plane.findings.some((f) => f.severity === "error");
  const inScope = approvalScope(plane);
  const touches = (f: ChangedPath, test: (path: string) => boolean) => test(f.path) || (f.previousPath !== undefined && test(f.previousPath));
  return {
    // Read from the text: a broken config still says it wants approvals, and then gets the strictest ones.
    enabled: configText !== undefined && /^approvals\s*:/m.test(configText),
    configValid,
    ...(configValid && plane.config ? { settings: plane.config.approvals } : {}),
    files: changed.filter((f) => touches(f, inScope)).map((f) => f.path),
    controlPlaneChanged: changed.some((f) => touches(f, (p) => plane.isControlPlanePath(p))),
  };
}
