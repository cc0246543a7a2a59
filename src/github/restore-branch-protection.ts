import type { ClassicProtection } from "../engine/guard/protection-drift.js";
import type { GitHub, RepoRef } from "./github-types.js";
import { classicOf, type RawClassicProtection } from "./read-branch-protection.js";

type PutBody = Parameters<GitHub["rest"]["repos"]["updateBranchProtection"]>[0];

/**
 * Writes classic protection `target` in one PUT, carrying over every setting of `current` Gitgate does
 * not judge (reviews, push restrictions, linear history…): PUT replaces the whole protection, so
 * anything left out would be switched off. Returns the protection as GitHub now reports it.
 */
export async function writeBranchProtection(github: GitHub, repo: RepoRef, branch: string, current: RawClassicProtection | undefined, target: ClassicProtection): Promise<ClassicProtection> {
  const { data } = await github.rest.repos.updateBranchProtection({ ...repo, branch, ...protectionBody(current, target) } as PutBody);
  return classicOf(data as RawClassicProtection);
}

/** The PUT body: GitHub's GET shape turned into its PUT shape, with Gitgate's four settings from `target`. */
export function protectionBody(current: RawClassicProtection | undefined, target: ClassicProtection): Omit<PutBody, "owner" | "repo" | "branch"> {
  const reviews = current?.required_pull_request_reviews;
  const names = (list: { users?: { login: string }[]; teams?: { slug: string }[]; apps?: ({ slug?: string } | null)[] } | undefined) =>
    list ? { users: (list.users ?? []).map((u) => u.login), teams: (list.teams ?? []).map((t) => t.slug), apps: (list.apps ?? []).flatMap((a) => (a?.slug ? [a.slug] : [])) } : undefined;
  const flag = (setting: { enabled?: boolean } | undefined) => setting?.enabled ?? false;
  return {
    // Only `checks`: GitHub rejects a body with both `checks` and the deprecated `contexts`. -1 is "any source".
    required_status_checks: target.requiredChecks.length === 0 && !current?.required_status_checks
      ? null
      : { strict: current?.required_status_checks?.strict ?? false, checks: target.requiredChecks.map((c) => ({ context: c.context, app_id: c.appId ?? -1 })) } as never,
    enforce_admins: target.enforceAdmins,
    required_pull_request_reviews: reviews
      ? {
          ...(reviews.dismissal_restrictions ? { dismissal_restrictions: names(reviews.dismissal_restrictions as never) } : {}),
          dismiss_stale_reviews: reviews.dismiss_stale_reviews ?? false,
          require_code_owner_reviews: reviews.require_code_owner_reviews ?? false,
          ...(reviews.required_approving_review_count !== undefined ? { required_approving_review_count: reviews.required_approving_review_count } : {}),
          require_last_push_approval: reviews.require_last_push_approval ?? false,
          ...(reviews.bypass_pull_request_allowances ? { bypass_pull_request_allowances: names(reviews.bypass_pull_request_allowances as never) } : {}),
        }
      : null,
    restrictions: current?.restrictions ? (names(current.restrictions as never) as { users: string[]; teams: string[]; apps: string[] }) : null,
    required_linear_history: flag(current?.required_linear_history),
    allow_force_pushes: target.allowForcePushes,
    allow_deletions: target.allowDeletions,
    block_creations: flag(current?.block_creations),
    required_conversation_resolution: flag(current?.required_conversation_resolution),
    lock_branch: flag(current?.lock_branch),
    allow_fork_syncing: flag(current?.allow_fork_syncing),
  };
}
