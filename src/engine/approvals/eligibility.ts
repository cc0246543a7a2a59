import type { ApprovalFacts, ApprovalPolicy, ApprovalRequirement, IgnoreReason, Person } from "./approval-types.js";

/** True when the requirement names the user, directly or through one of its teams. */
export function isNamed(requirement: ApprovalRequirement, login: string, person: Person | undefined, owner: string): boolean {
  if (requirement.users.some((u) => u.toLowerCase() === login)) return true;
  const teams = new Set((person?.teams ?? []).map((t) => t.toLowerCase()));
  return requirement.teams.some((team) => teams.has(teamSlug(team, owner)));
}

/** A rule's team is a slug of the repository owner's organisation; `org/slug` names it in full. */
export function teamSlug(team: string, owner: string): string {
  const lower = team.toLowerCase().replace(/^@/, "");
  const [org, slug] = lower.includes("/") ? lower.split("/", 2) as [string, string] : [owner.toLowerCase(), lower];
  return org === owner.toLowerCase() ? slug : `${org}/${slug}`;
}

/**
 * Why `login`'s approval does not count for `requirement`, or undefined when it does. The author, the
 * commits' contributors and whoever pushed to the branch never count unless the policy allows them; a requirement with users or
 * teams counts nobody else; a bot counts only when the requirement names it. Nobody without write
 * access counts, named or not: GitHub ignores such a code owner, and a rule naming an ex-member must
 * not keep their approval alive.
 */
export function whyNotEligible(
  requirement: ApprovalRequirement,
  login: string,
  facts: ApprovalFacts,
  policy: Pick<ApprovalPolicy, "allowAuthor" | "allowContributors">,
): IgnoreReason | undefined {
  const person = facts.people.get(login);
  const named = isNamed(requirement, login, person, facts.owner);
  if (!policy.allowAuthor && login === facts.author.toLowerCase()) return "author";
  if (!policy.allowContributors && facts.contributors.some((c) => c.toLowerCase() === login)) return "contributor";
  if (!policy.allowContributors && facts.pushers.some((p) => p.toLowerCase() === login)) return "pusher";
  if ((requirement.users.length > 0 || requirement.teams.length > 0) && !named) return "not-eligible";
  if (!named && (person?.bot ?? login.endsWith("[bot]"))) return "bot";
  if (!person?.canWrite) return "no-write-access";
  return undefined;
}
