/**
 * What a protected branch must have for Gitgate's promise to hold ("nothing reaches it except through
 * a PR Gitgate passed"), and what is missing. Plain data in, plain data out: the GitHub shapes are
 * translated in src/github, the clock and the previous state are the caller's.
 *
 * GitHub layers classic branch protection and rulesets: the strictest of them applies. So a
 * requirement is met when any source gives it to everyone.
 */

/** A required status check; `appId` null: any app (or any commit status) of that name satisfies it. */
export interface RequiredCheck {
  context: string;
  appId: number | null;
}

/** The part of classic branch protection the guard depends on. */
export interface ClassicProtection {
  requiredChecks: RequiredCheck[];
  /** "Do not allow bypassing the above settings": without it, admins merge past failing checks. */
  enforceAdmins: boolean;
  /** GitHub applies these two to administrators too, whatever `enforceAdmins` says. */
  allowForcePushes: boolean;
  allowDeletions: boolean;
}

export interface BypassActor {
  type: string;
  id: number | null;
  mode: string;
}

/** An active ruleset's rules that apply to the branch (GitHub only returns active ones per branch). */
export interface RulesetProtection {
  id: number;
  name: string;
  /** Where it is defined: the repository, or the organisation. */
  source: string;
  /** Undefined: Gitgate could not read who may bypass it. */
  bypassActors?: BypassActor[];
  requiredChecks: RequiredCheck[];
  nonFastForward: boolean;
  deletion: boolean;
  pullRequest: boolean;
}

export type ClassicReading = { state: "protected"; protection: ClassicProtection } | { state: "unprotected" } | { state: "unreadable"; reason: string };

export interface BranchProtection {
  branch: string;
  classic: ClassicReading;
  rulesets: RulesetProtection[] | { unreadable: string };
}

/** One way the branch falls short. `id` is stable: incidents are deduplicated by (branch, id). `message` is plain text. */
export interface Weakness {
  id: string;
  message: string;
}

export interface ProtectionVerdict {
  branch: string;
  weaknesses: Weakness[];
  /** Facts worth knowing that are not weaknesses by themselves (who may bypass a ruleset). */
  notices: string[];
}

/** The checks the guard's promise rests on. */
export const guardedChecks = ["gitgate/validate", "gitgate/approval"] as const;

/** Decides what `protection` lacks, for the App `appId` whose checks must be required. */
export function judgeProtection(protection: BranchProtection, appId: number): ProtectionVerdict {
  const { branch, classic } = protection;
  const notices: string[] = [];
  // Failing closed: what Gitgate cannot read, it cannot vouch for.
  const unreadable = [classic.state === "unreadable" ? `classic branch protection: ${classic.reason}` : undefined, "unreadable" in protection.rulesets ? `rulesets: ${protection.rulesets.unreadable}` : undefined].filter((x) => x !== undefined);
  if (unreadable.length > 0) {
    return { branch, notices, weaknesses: [{ id: "unreadable", message: `Gitgate cannot read the branch's protection (${unreadable.join("; ")}), so it cannot tell whether changes can bypass it: grant the App the Administration (read) permission.` }] };
  }
  const rulesets = protection.rulesets as RulesetProtection[];
  const own = classic.state === "protected" ? classic.protection : undefined;
  if (!own && rulesets.length === 0) {
    return { branch, notices, weaknesses: [{ id: "unprotected", message: "The branch has no branch protection and no ruleset: anyone with write access can push to it, force push or delete it." }] };
  }
  const weaknesses: Weakness[] = [];
  const adminExempt: string[] = [];
  for (const name of guardedChecks) {
    const pinned = (check: RequiredCheck) => check.context === name && check.appId === appId;
    const byRuleset = rulesets.some((r) => r.requiredChecks.some(pinned));
    const byClassic = own?.requiredChecks.some(pinned) ?? false;
    if (byRuleset || (byClassic && own?.enforceAdmins)) continue;
    if (byClassic) {
      adminExempt.push(name);
      continue;
    }
    const named = [...(own?.requiredChecks ?? []), ...rulesets.flatMap((r) => r.requiredChecks)].filter((c) => c.context === name);
    weaknesses.push(named.length === 0
      ? { id: `check-missing:${name}`, message: `${name} is not a required check: a PR can be merged while it fails.` }
      : { id: `check-unpinned:${name}`, message: `${name} is required but not pinned to Gitgate (app ${appId}): any app or commit status with that name can satisfy it.` });
  }
  if (adminExempt.length > 0) {
    weaknesses.push({ id: "admins-exempt", message: `Classic branch protection does not apply to administrators ("Do not allow bypassing the above settings" is off): an admin can merge past ${adminExempt.join(" and ")}.` });
  }
  if (!(own && !own.allowForcePushes) && !rulesets.some((r) => r.nonFastForward)) {
    weaknesses.push({ id: "force-push-allowed", message: "Force pushes are allowed: history can be rewritten past every check." });
  }
  if (!(own && !own.allowDeletions) && !rulesets.some((r) => r.deletion)) {
    weaknesses.push({ id: "deletion-allowed", message: "The branch can be deleted (and recreated from any commit)." });
  }
  for (const ruleset of rulesets) {
    if (ruleset.bypassActors === undefined) notices.push(`Gitgate cannot read who may bypass ruleset "${ruleset.name}" (${ruleset.source}).`);
    else if (ruleset.bypassActors.length > 0) notices.push(`Ruleset "${ruleset.name}" (${ruleset.source}) can be bypassed by: ${ruleset.bypassActors.map(describeActor).join(", ")}.`);
  }
  return { branch, weaknesses, notices };
}

function describeActor(actor: BypassActor): string {
  const who = actor.type === "OrganizationAdmin" ? "organization admins" : actor.type === "RepositoryRole" && actor.id === 5 ? "repository admins" : `${actor.type}${actor.id === null ? "" : ` ${actor.id}`}`;
  return `${who} (${actor.mode === "pull_request" ? "on pull requests" : actor.mode})`;
}
