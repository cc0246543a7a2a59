import { guardedChecks, type Weakness } from "./protection-drift.js";

/**
 * weakened: the branch met this before (an event says the change took it away, or Gitgate saw it met);
 * not-met: as far as Gitgate knows it never did (first look, e.g. at installation);
 * persisting: already reported, still true.
 */
export type DriftKind = "weakened" | "not-met" | "persisting";

export interface DriftWeakness extends Weakness {
  kind: DriftKind;
}

/**
 * @param previous the weakness ids of the last look at this branch, undefined when there was none
 * @param lostByEvent the weakness ids the event's change took away (see lostGuarantees)
 */
export function classifyDrift(weaknesses: readonly Weakness[], previous: readonly string[] | undefined, lostByEvent: ReadonlySet<string>): DriftWeakness[] {
  return weaknesses.map((w) => ({
    ...w,
    // Unreadable is a permission problem, not a change anyone made to the protection.
    kind: w.id !== "unreadable" && (lostByEvent.has(w.id) || (previous !== undefined && !previous.includes(w.id))) ? "weakened" : previous?.includes(w.id) ? "persisting" : "not-met",
  }));
}

/** What one rule (classic) or ruleset guaranteed, as far as its webhook payload says. */
export interface RuleGuarantees {
  /** Required check names (webhooks do not say which app they are pinned to). */
  checks: string[];
  /** The checks also bind administrators. */
  checksBindAdmins: boolean;
  forcePushesForbidden: boolean;
  deletionForbidden: boolean;
}

/**
 * The weaknesses a change of one rule can have introduced: what it guaranteed before and no longer
 * does (`after` undefined: the rule was deleted or disabled). Only a hint for the wording: the
 * branch's effective protection, read from GitHub, decides whether a weakness exists at all.
 */
export function lostGuarantees(before: RuleGuarantees | undefined, after: RuleGuarantees | undefined): string[] {
  if (!before) return [];
  const had = guaranteed(before);
  const has = after ? guaranteed(after) : new Set<string>();
  if (!after) had.add("unprotected");
  return [...had].filter((id) => !has.has(id));
}

function guaranteed(rule: RuleGuarantees): Set<string> {
  const ids = new Set<string>();
  for (const name of guardedChecks) {
    if (!rule.checks.includes(name)) continue;
    ids.add(`check-missing:${name}`);
    if (rule.checksBindAdmins) ids.add("admins-exempt");
  }
  if (rule.forcePushesForbidden) ids.add("force-push-allowed");
  if (rule.deletionForbidden) ids.add("deletion-allowed");
  return ids;
}
