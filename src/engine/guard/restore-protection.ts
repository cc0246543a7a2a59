import { guardedChecks, type ClassicProtection, type Weakness } from "./protection-drift.js";

export interface Restoration {
  /** The classic protection to write: the current one with only what the weaknesses need added. */
  target: ClassicProtection;
  /** What changes, in plain words, one line each (empty: nothing classic protection can fix). */
  changes: string[];
}

/**
 * The classic branch protection that fixes `weaknesses`, built on the current one so that nothing the
 * team set is lost or loosened: checks are only added (or pinned to Gitgate), switches only turned on.
 * Classic protection is the tool because GitHub layers it with rulesets, strictest wins: adding to it
 * never weakens a ruleset.
 */
export function restoreProtection(current: ClassicProtection | undefined, weaknesses: readonly Weakness[], appId: number): Restoration {
  const ids = new Set(weaknesses.map((w) => w.id));
  const all = ids.has("unprotected");
  const changes: string[] = [];
  if (!current) changes.push("classic branch protection created");
  const base: ClassicProtection = current ?? { requiredChecks: [], enforceAdmins: false, allowForcePushes: true, allowDeletions: true };
  const requiredChecks = [...base.requiredChecks];
  for (const name of guardedChecks) {
    if (!all && !ids.has(`check-missing:${name}`) && !ids.has(`check-unpinned:${name}`)) continue;
    const at = requiredChecks.findIndex((c) => c.context === name);
    if (at >= 0 && requiredChecks[at]!.appId === appId) continue;
    if (at >= 0) {
      changes.push(`${name} pinned to Gitgate (app ${appId}) instead of ${requiredChecks[at]!.appId === null ? "any source" : `app ${requiredChecks[at]!.appId}`}`);
      requiredChecks[at] = { context: name, appId };
    } else {
      changes.push(`${name} added to the required checks, pinned to Gitgate (app ${appId})`);
      requiredChecks.push({ context: name, appId });
    }
  }
  const checksAdded = requiredChecks.length !== base.requiredChecks.length || requiredChecks.some((c, i) => c !== base.requiredChecks[i]);
  // Checks added to classic protection must bind admins too, or the next look finds them exempt.
  const enforceAdmins = base.enforceAdmins || all || ids.has("admins-exempt") || checksAdded;
  if (enforceAdmins && !base.enforceAdmins) changes.push("administrators included (\"Do not allow bypassing the above settings\" on)");
  const allowForcePushes = base.allowForcePushes && !all && !ids.has("force-push-allowed");
  if (base.allowForcePushes && !allowForcePushes) changes.push("force pushes forbidden");
  const allowDeletions = base.allowDeletions && !all && !ids.has("deletion-allowed");
  if (base.allowDeletions && !allowDeletions) changes.push("deletion forbidden");
  return { target: { requiredChecks, enforceAdmins, allowForcePushes, allowDeletions }, changes: current || changes.length > 1 ? changes : [] };
}
