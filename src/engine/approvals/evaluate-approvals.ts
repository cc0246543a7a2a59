import { createMatcher } from "../../config/check-globs.js";
import type {
  ApprovalFacts,
  ApprovalPolicy,
  ApprovalRequirement,
  ApprovalVerdict,
  IgnoreReason,
  IgnoredApproval,
  RuleStatus,
  RuleVerdict,
} from "./approval-types.js";
import { ownersOf } from "./codeowners.js";
import { teamSlug, whyNotEligible } from "./eligibility.js";
import { reviewerStandings, type ReviewerStanding } from "./latest-reviews.js";

/**
 * Decides, for one pull request head, which approval requirements apply and whether each is met:
 * 1. pick the requirements (rules whose files changed, the control-plane rule, CODEOWNERS),
 * 2. settle each reviewer's standing from their latest non-comment review,
 * 3. count, per requirement, the approvals that are eligible and bound to this change,
 * every ignored approval keeping its reason.
 */
export function evaluateApprovals(policy: ApprovalPolicy, facts: ApprovalFacts): ApprovalVerdict {
  const standings = reviewerStandings(facts.reviews);
  const rules = applicableRequirements(policy, facts).map(({ requirement, kind, files }) =>
    judgeRequirement(requirement, kind, files, standings, policy, facts),
  );
  return { status: worst(rules.map((r) => r.status)), rules };
}

interface Applicable {
  requirement: ApprovalRequirement;
  kind: RuleVerdict["kind"];
  files: string[];
}

function applicableRequirements(policy: ApprovalPolicy, facts: ApprovalFacts): Applicable[] {
  const controlPlane: Applicable[] = facts.controlPlaneChanged || !facts.configValid
    ? [{ requirement: policy.controlPlane, kind: "control-plane", files: [...facts.changedFiles] }]
    : [];
  // A broken config at the base cannot say who approves what: only a reviewed repair can get through.
  if (!facts.configValid) return controlPlane;
  const rules = policy.rules.flatMap((requirement): Applicable[] => {
    const files = requirement.files ? facts.changedFiles.filter(createMatcher(requirement.files)) : [...facts.changedFiles];
    return files.length > 0 ? [{ requirement, kind: "rule", files }] : [];
  });
  return [...rules, ...controlPlane, ...codeOwnerRequirements(policy, facts)];
}

/** One requirement per distinct set of owners: one approval from any of them, as GitHub requires. */
function codeOwnerRequirements(policy: ApprovalPolicy, facts: ApprovalFacts): Applicable[] {
  if (!policy.codeowners) return [];
  const groups = new Map<string, { owners: readonly string[]; files: string[] }>();
  for (const file of facts.changedFiles) {
    const owners = ownersOf(policy.codeowners, file);
    if (owners.length === 0) continue;
    const key = [...owners].sort().join(" ");
    const group = groups.get(key) ?? { owners, files: [] };
    group.files.push(file);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ owners, files }) => ({
    kind: "codeowners",
    files,
    requirement: {
      name: `code owners ${owners.map((o) => (o.includes("@") ? o : `@${o}`)).join(" ")}`,
      count: 1,
      users: owners.filter((o) => !o.includes("/")),
      teams: owners.filter((o) => o.includes("/")),
    },
  }));
}

function judgeRequirement(
  requirement: ApprovalRequirement,
  kind: RuleVerdict["kind"],
  files: string[],
  standings: readonly ReviewerStanding[],
  policy: ApprovalPolicy,
  facts: ApprovalFacts,
): RuleVerdict {
  const approvers: string[] = [];
  const blockedBy: string[] = [];
  const ignored: IgnoredApproval[] = [];
  for (const standing of standings) {
    const excluded = whyNotEligible(requirement, standing.user, facts, policy);
    // Only someone who could approve this requirement can block it: a drive-by review cannot.
    if (standing.requestsChanges && excluded === undefined) blockedBy.push(standing.user);
    for (const voided of standing.voided) ignored.push({ user: standing.user, ...voided });
    if (!standing.approval) continue;
    const reason = excluded ?? whyNotBound(standing.approval, policy, facts);
    if (reason) ignored.push({ user: standing.user, reason, commitId: standing.approval.commitId });
    else approvers.push(standing.user);
  }
  const status: RuleStatus = blockedBy.length > 0 ? "blocked" : approvers.length >= requirement.count ? "satisfied" : "waiting";
  return {
    name: requirement.name,
    kind,
    files,
    required: requirement.count,
    status,
    approvers,
    blockedBy,
    ignored,
    candidates: candidatesFor(requirement, approvers, policy, facts),
  };
}

/**
 * Why an approval is not of the change under review, or undefined when it is. It is of the diff the
 * reviewer saw: against the base of the time, so one given before the latest change of base (even of
 * the head) is of another change, whatever `invalidate_on_push` says. With `invalidate_on_push` it
 * counts for a later head only when the governed diff Gitgate recorded for the reviewed commit is the
 * one under review now (a rebase or an update from the base that changes nothing governed keeps it).
 */
function whyNotBound(approval: { commitId: string; submittedAt: string }, policy: ApprovalPolicy, facts: ApprovalFacts): IgnoreReason | undefined {
  // Equal times cannot be ordered: the approval does not count.
  if (facts.baseChangedAt !== undefined && !(Date.parse(approval.submittedAt) > Date.parse(facts.baseChangedAt))) return "retargeted";
  if (approval.commitId === facts.headSha || !policy.invalidateOnPush) return undefined;
  const digest = facts.digestsByCommit.get(approval.commitId);
  return digest !== undefined && facts.governedDiffDigest !== undefined && digest === facts.governedDiffDigest ? undefined : "stale";
}

function candidatesFor(requirement: ApprovalRequirement, approvers: readonly string[], policy: ApprovalPolicy, facts: ApprovalFacts): RuleVerdict["candidates"] {
  // Write access is known only of those who reviewed: someone who has not may still be asked.
  const couldApprove = (login: string) => {
    const reason = whyNotEligible(requirement, login, facts, policy);
    return reason === undefined || (reason === "no-write-access" && !facts.people.has(login));
  };
  const users = requirement.users.map((u) => u.toLowerCase()).filter((u) => !approvers.includes(u) && couldApprove(u));
  const teams = requirement.teams.map((t) => teamSlug(t, facts.owner));
  return { users, teams, anyoneWithWrite: requirement.users.length === 0 && requirement.teams.length === 0 };
}

function worst(statuses: readonly RuleStatus[]): RuleStatus {
  if (statuses.includes("blocked")) return "blocked";
  return statuses.includes("waiting") ? "waiting" : "satisfied";
}

