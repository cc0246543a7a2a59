import type { ApprovalFacts, ApprovalPolicy, ApprovalVerdict, CodeOwnersFile, Person } from "../engine/approvals/approval-types.js";
import { resolvedCodeOwnersFile } from "../engine/approvals/codeowners.js";
import { evaluateApprovals } from "../engine/approvals/evaluate-approvals.js";
import type { ApprovalScope } from "../evaluation/approval-scope.js";
import type { GitHub, RepoRef } from "./github-types.js";
import type { PullRequestState } from "./read-pull-request.js";
import { readPushers } from "./read-pushers.js";
import { readTeamMembership } from "./read-team-membership.js";

export interface ApprovalInputs {
  pr: PullRequestState;
  scope: ApprovalScope;
  /** The governed-diff digest of the head now; undefined when unknown (approvals of other commits then lapse). */
  headDigest: string | undefined;
}

/** The verdict, with the CODEOWNERS lines GitHub ignores (shown to whoever reads the verdict, never guessed at). */
export type ApprovalDecision = ApprovalVerdict & { codeOwners?: CodeOwnersProblems };

export interface CodeOwnersProblems {
  path: string;
  problems: readonly { line: number; message: string }[];
}

/**
 * The approval verdict of a pull request's current head, shared by the App and the CLI: the policy the
 * base's config sets (only the control-plane rule when it is invalid), the facts GitHub gave, and team
 * membership looked up in one query, only for teams the applicable rules name and only when someone
 * reviewed. Throws when a fact cannot be known: the caller fails closed.
 */
export async function decideApprovals(github: GitHub, repo: RepoRef, inputs: ApprovalInputs): Promise<ApprovalDecision> {
  const { pr, scope } = inputs;
  if (pr.approvals.problem) throw new Error(pr.approvals.problem);
  if (!scope.settings) throw new Error(unknownApprovers);
  const codeowners = codeOwnersOf(scope);
  const policy = approvalPolicy(scope, codeowners);
  const withProblems = (verdict: ApprovalVerdict): ApprovalDecision =>
    codeowners && codeowners.problems.length > 0 ? { ...verdict, codeOwners: { path: codeowners.path, problems: codeowners.problems } } : verdict;
  const people = new Map<string, Person>([...pr.approvals.reviewers].map(([login, r]) => [login, { login, bot: r.bot, canWrite: r.canWrite, teams: [] }]));
  const reviewers = [...new Set(pr.approvals.reviews.filter((r) => r.state === "APPROVED" || r.state === "CHANGES_REQUESTED").map((r) => r.user))];
  // Who pushed matters only when someone reviewed and contributors do not count. A fork's activity is
  // the fork's, which this installation may not read: there the fork's owner pushes (see docs).
  const pushersRead = reviewers.length > 0 && !policy.allowContributors && !pr.crossRepository ? readPushers(github, repo, pr.headRef, pr.approvals) : Promise.resolve([]);
  pushersRead.catch(() => undefined);
  const facts: ApprovalFacts = {
    owner: repo.owner,
    changedFiles: scope.files,
    controlPlaneChanged: scope.controlPlaneChanged,
    configValid: scope.configValid,
    author: pr.author ?? "",
    contributors: pr.approvals.contributors,
    pushers: [],
    headSha: pr.headSha,
    reviews: pr.approvals.reviews,
    people,
    governedDiffDigest: inputs.headDigest,
    digestsByCommit: pr.approvals.digestsByCommit,
    ...(pr.approvals.baseChangedAt !== undefined ? { baseChangedAt: pr.approvals.baseChangedAt } : {}),
  };
  // Which teams the rules name does not depend on who pushed: both are read at once.
  // Teams of other organisations (`org/slug`) cannot be looked up with this installation: they count nobody.
  const teams = [...new Set(evaluateApprovals(policy, facts).rules.flatMap((r) => r.candidates.teams).filter((t) => !t.includes("/")))];
  const [pushers, membership] = await Promise.all([
    pushersRead,
    teams.length > 0 && reviewers.length > 0 ? readTeamMembership(github, repo.owner, teams, reviewers) : new Map<string, string[]>(),
  ]);
  for (const [login, slugs] of membership) {
    const person = people.get(login);
    if (person) people.set(login, { ...person, teams: slugs });
  }
  return withProblems(evaluateApprovals(policy, { ...facts, pushers }));
}

/**
 * The rules that apply to a change before anyone reviews it, with how many approvals each needs: what
 * the sticky preview comment says. Pure: the verdict itself is the approval job's (reviewApprovals).
 */
export function rulesInScope(owner: string, scope: ApprovalScope): ApprovalVerdict["rules"] {
  const codeowners = codeOwnersOf(scope);
  return evaluateApprovals(approvalPolicy(scope, codeowners), {
    owner,
    changedFiles: scope.files,
    controlPlaneChanged: scope.controlPlaneChanged,
    configValid: scope.configValid,
    author: "",
    contributors: [],
    pushers: [],
    headSha: "",
    reviews: [],
    people: new Map(),
    governedDiffDigest: undefined,
    digestsByCommit: new Map(),
  }).rules;
}

/** The base's CODEOWNERS with `codeowners: true`: matched in the evaluation worker (repository patterns, possibly thousands), only looked up here. */
function codeOwnersOf(scope: ApprovalScope): CodeOwnersFile | undefined {
  return scope.settings?.codeowners && scope.codeOwners ? resolvedCodeOwnersFile(scope.codeOwners) : undefined;
}

/**
 * A broken config whose own `approvals` section is not valid either cannot say who may approve, nor who
 * may repair it: no approval counts (an administrator who merges the repair is a bypass the guard records).
 */
const unknownApprovers = "the config at the base is not valid, and neither is its approvals section read on its own, so who may approve (and repair the config) cannot be known: no approval can count";

/** The policy of the base's `approvals` section (only its control-plane rule applies when the config is invalid). */
export function approvalPolicy(scope: ApprovalScope, codeowners: CodeOwnersFile | undefined): ApprovalPolicy {
  const settings = scope.settings;
  const controlPlane = settings?.controlPlane ?? { count: 1, users: [], teams: [] };
  return {
    rules: (settings?.rules ?? []).map((rule) => ({ name: rule.name, ...(rule.files ? { files: rule.files } : {}), count: rule.count, users: rule.users, teams: rule.teams })),
    controlPlane: { name: "control plane", ...controlPlane },
    invalidateOnPush: settings?.invalidateOnPush ?? true,
    allowAuthor: settings?.allowAuthor ?? false,
    allowContributors: settings?.allowContributors ?? false,
    ...(codeowners ? { codeowners } : {}),
  };
}
