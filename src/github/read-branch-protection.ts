import type { BranchProtection, ClassicReading, RequiredCheck, RulesetProtection } from "../engine/guard/protection-drift.js";
import type { GitHub, RepoRef } from "./github-types.js";

/** Classic protection exactly as GitHub returned it: restoring builds on it so nothing the team set is lost. */
export type RawClassicProtection = Awaited<ReturnType<GitHub["rest"]["repos"]["getBranchProtection"]>>["data"];

export interface BranchProtectionReading {
  protection: BranchProtection;
  rawClassic?: RawClassicProtection;
}

/**
 * The branch's effective protection: classic branch protection (404: none; 403: the App may not read
 * it, which is reported, never taken for "fine") and the active rulesets' rules for the branch, with
 * each ruleset's bypass list (absent when the App may not see it).
 */
export async function readBranchProtection(github: GitHub, repo: RepoRef, branch: string): Promise<BranchProtectionReading> {
  const [classic, rulesets] = await Promise.all([readClassic(github, repo, branch), readRulesets(github, repo, branch)]);
  return { protection: { branch, classic: classic.reading, rulesets }, ...(classic.raw ? { rawClassic: classic.raw } : {}) };
}

async function readClassic(github: GitHub, repo: RepoRef, branch: string): Promise<{ reading: ClassicReading; raw?: RawClassicProtection }> {
  try {
    const { data } = await github.rest.repos.getBranchProtection({ ...repo, branch });
    return { reading: { state: "protected", protection: classicOf(data) }, raw: data };
  } catch (error) {
    const status = statusOf(error);
    if (status === 404) return { reading: { state: "unprotected" } };
    if (status === 403) return { reading: { state: "unreadable", reason: refusal(error) } };
    throw error;
  }
}

export function classicOf(data: RawClassicProtection) {
  const checks = data.required_status_checks;
  const requiredChecks: RequiredCheck[] = checks ? (checks.checks.length > 0 ? checks.checks.map((c) => ({ context: c.context, appId: c.app_id ?? null })) : checks.contexts.map((context) => ({ context, appId: null }))) : [];
  return {
    requiredChecks,
    enforceAdmins: data.enforce_admins?.enabled ?? false,
    allowForcePushes: data.allow_force_pushes?.enabled ?? false,
    allowDeletions: data.allow_deletions?.enabled ?? false,
  };
}

async function readRulesets(github: GitHub, repo: RepoRef, branch: string): Promise<RulesetProtection[] | { unreadable: string }> {
  let rules: Awaited<ReturnType<GitHub["rest"]["repos"]["getBranchRules"]>>["data"];
  try {
    rules = await github.paginate(github.rest.repos.getBranchRules, { ...repo, branch, per_page: 100 });
  } catch (error) {
    if (statusOf(error) === 403) return { unreadable: refusal(error) };
    throw error;
  }
  const byId = new Map<number, RulesetProtection>();
  for (const rule of rules) {
    const id = rule.ruleset_id ?? 0;
    const ruleset = byId.get(id) ?? { id, name: `ruleset ${id}`, source: rule.ruleset_source ?? `${repo.owner}/${repo.repo}`, requiredChecks: [], nonFastForward: false, deletion: false, pullRequest: false };
    byId.set(id, ruleset);
    if (rule.type === "required_status_checks" && "parameters" in rule && rule.parameters) {
      ruleset.requiredChecks.push(...rule.parameters.required_status_checks.map((c) => ({ context: c.context, appId: c.integration_id ?? null })));
    }
    if (rule.type === "non_fast_forward") ruleset.nonFastForward = true;
    if (rule.type === "deletion") ruleset.deletion = true;
    if (rule.type === "pull_request") ruleset.pullRequest = true;
  }
  // The rules say what; the ruleset says who may skip them (its bypass list).
  await Promise.all([...byId.values()].map(async (ruleset) => {
    try {
      const { data } = await github.rest.repos.getRepoRuleset({ ...repo, ruleset_id: ruleset.id });
      ruleset.name = data.name;
      ruleset.source = data.source;
      if (data.bypass_actors) ruleset.bypassActors = data.bypass_actors.map((a) => ({ type: a.actor_type, id: a.actor_id ?? null, mode: a.bypass_mode ?? "always" }));
    } catch (error) {
      if (statusOf(error) !== 403 && statusOf(error) !== 404) throw error;
    }
  }));
  return [...byId.values()];
}

export function statusOf(error: unknown): number | undefined {
  return typeof error === "object" && error !== null && "status" in error && typeof error.status === "number" ? error.status : undefined;
}

function refusal(error: unknown): string {
  const message = error instanceof Error ? error.message.split(" - ")[0] : String(error);
  return `GitHub answered ${statusOf(error)}: ${message}`;
}
