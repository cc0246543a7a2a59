import type { Logger } from "pino";
import { classifyDrift } from "../engine/guard/classify-drift.js";
import { judgeProtection, type ProtectionVerdict } from "../engine/guard/protection-drift.js";
import { restoreProtection } from "../engine/guard/restore-protection.js";
import { compileLinearGlob } from "../config/linear-glob.js";
import type { EvaluationPool } from "../evaluation/evaluation-pool.js";
import type { GitHub, RepoRef } from "../github/github-types.js";
import { raiseIncidentIssue } from "../github/incident-issue.js";
import { readGitHubControlPlane } from "../github/load-github-control-plane.js";
import { publishDriftCheck } from "../github/publish-drift-check.js";
import { readBranchProtection, statusOf } from "../github/read-branch-protection.js";
import { writeBranchProtection } from "../github/restore-branch-protection.js";
import { renderDriftCheck, renderDriftIssue, type DriftIncident, type RestorationOutcome } from "../render/render-drift-markdown.js";
import type { ProtectionMemory } from "./protection-memory.js";

export const incidentLabel = "gitgate-bypass";

/** Bounds per repository and look: a config naming `**` must not turn one sweep into thousands of requests. */
const maxBranches = 20;
const maxListedBranches = 1000;

export interface ProtectionDeps {
  github: GitHub;
  repo: RepoRef;
  appId: number;
  pool: EvaluationPool;
  memory: ProtectionMemory;
  now: () => Date;
  log: Logger;
}

/** Why the protection is looked at now, and what the event itself says about the change. */
export interface ProtectionTrigger {
  /** e.g. "branch_protection_rule.edited", "sweep", "installation.created". */
  what: string;
  /** The event's sender. */
  actor?: string;
  /** When the change happened, when the event says. */
  at?: string;
  /** Weakness ids the event's change took away (see lostGuarantees). */
  lost: string[];
  defaultBranch?: string;
  /** The branch name pattern of the rule the event is about: the branches it names are looked at first. */
  pattern?: string;
}

/**
 * Looks at the protection of a repository's protected branches and raises an incident for each
 * branch that falls short: a failing gitgate/guard check run on its head and one issue per weakness.
 * With `protect.branch_protection: enforce`, restores what is missing first and says what changed.
 */
export async function checkProtection(deps: ProtectionDeps, trigger: ProtectionTrigger): Promise<void> {
  const { github, repo } = deps;
  const defaultBranch = trigger.defaultBranch ?? (await github.rest.repos.get({ ...repo })).data.default_branch;
  const plane = await readGitHubControlPlane(github, repo, defaultBranch);
  // A repository without a Gitgate config is not governed: its protection is none of Gitgate's business.
  if (!plane) return;
  // The same settings as the guard of commits: on only with a `protect:` section (it opens issues); a
  // config with errors still leaves the default branch to guard, and only reports.
  const protect = await deps.pool.guardSettings(plane.source, plane.reader);
  if (!protect.enabled) return;
  const branches = await protectedBranches(github, repo, protect.branches ?? [defaultBranch], deps.log);
  for (const branch of lookOrder(branches, defaultBranch, trigger.pattern, deps.now())) await checkBranch(deps, trigger, branch, protect);
}

/**
 * At most maxBranches of the protected branches, in the order they are looked at: those the event's
 * rule names, then the default branch, then the others from a place that moves from one look to the
 * next (pseudo-random by the time of the look), so that over successive sweeps every branch is looked
 * at however many there are, never only the same first ones.
 */
export function lookOrder(branches: readonly string[], defaultBranch: string, pattern: string | undefined, now: Date): string[] {
  const named = pattern !== undefined ? compileLinearGlob(pattern) : undefined;
  const first = branches.filter((b) => named?.(b) === true);
  const rest = branches.filter((b) => named?.(b) !== true);
  const byDefault = rest.filter((b) => b === defaultBranch);
  const others = rest.filter((b) => b !== defaultBranch).sort();
  const from = others.length === 0 ? 0 : (Math.imul(Math.floor(now.getTime() / 1000), 2654435761) >>> 0) % others.length;
  return [...first, ...byDefault, ...others.slice(from), ...others.slice(0, from)].slice(0, maxBranches);
}

async function protectedBranches(github: GitHub, repo: RepoRef, globs: readonly string[], log: Logger): Promise<string[]> {
  const literal = globs.filter((g) => !/[*?[\]{}!()+@]/.test(g));
  const patterns = globs.filter((g) => !literal.includes(g));
  const names = new Set(literal);
  if (patterns.length > 0) {
    const matchers = patterns.map((g) => compileLinearGlob(g));
    let listed = 0;
    for await (const page of github.paginate.iterator(github.rest.repos.listBranches, { ...repo, per_page: 100 })) {
      for (const b of page.data) if (matchers.some((m) => m(b.name))) names.add(b.name);
      listed += page.data.length;
      if (listed >= maxListedBranches) break;
    }
  }
  const all = [...names];
  if (all.length > maxBranches) log.warn({ branches: all.length, checked: maxBranches }, "more protected branches than one look checks: the event's own, the default branch and others in turn are checked");
  return all;
}

async function checkBranch(deps: ProtectionDeps, trigger: ProtectionTrigger, branch: string, protect: { onBypass: readonly string[]; branchProtection: "report" | "enforce" }): Promise<void> {
  const { github, repo, appId, log } = deps;
  const fullName = `${repo.owner}/${repo.repo}`;
  let headSha: string;
  try {
    headSha = (await github.rest.repos.getBranch({ ...repo, branch })).data.commit.sha;
  } catch (error) {
    // A protected-branch glob or name with no branch behind it: nothing can be pushed past it yet.
    if (statusOf(error) === 404) return;
    throw error;
  }
  const reading = await readBranchProtection(github, repo, branch);
  const verdict = judgeProtection(reading.protection, appId);
  const previous = await deps.memory.recall(fullName, branch);
  const now = deps.now().toISOString();
  let remaining: ProtectionVerdict = verdict;
  let restoration: RestorationOutcome = { state: "not-asked" };
  if (verdict.weaknesses.length > 0 && protect.branchProtection === "enforce") {
    if (reading.protection.classic.state === "unreadable") {
      // Writing blind would replace settings Gitgate cannot see: never.
      restoration = { state: "impossible", reason: "Gitgate cannot read the classic branch protection, and will not overwrite settings it cannot see." };
    } else {
      const plan = restoreProtection(reading.protection.classic.state === "protected" ? reading.protection.classic.protection : undefined, verdict.weaknesses, appId);
      try {
        const written = await writeBranchProtection(github, repo, branch, reading.rawClassic, plan.target);
        restoration = { state: "restored", changes: plan.changes };
        remaining = judgeProtection({ ...reading.protection, classic: { state: "protected", protection: written } }, appId);
      } catch (error) {
        const status = statusOf(error);
        if (status === undefined || status >= 500) throw error;
        restoration = { state: "failed", reason: `${status} ${error instanceof Error ? error.message.split(" - ")[0] : ""}${status === 403 || status === 404 ? " (restoring needs the App's Administration: write permission)" : ""}`.trim() };
      }
    }
  }
  await deps.memory.remember(fullName, branch, { weaknesses: remaining.weaknesses.map((w) => w.id), at: now });
  if (verdict.notices.length > 0) log.info({ branch, notices: verdict.notices }, "rulesets with bypass lists");
  if (verdict.weaknesses.length === 0) return;
  const weaknesses = classifyDrift(verdict.weaknesses, previous?.weaknesses, new Set(trigger.lost));
  const incident: DriftIncident = {
    branch,
    weaknesses,
    notices: verdict.notices,
    ...(trigger.actor ? { actor: trigger.actor } : {}),
    trigger: trigger.what === "sweep" ? "found by Gitgate's scheduled look at branch protection" : `${trigger.what} event`,
    when: trigger.at ?? (previous && trigger.what === "sweep" ? `between ${previous.at} and ${now}` : now),
    restoration,
  };
  log.warn({ branch, weaknesses: weaknesses.map((w) => `${w.kind}:${w.id}`), restoration: restoration.state }, "branch protection falls short");
  if (protect.onBypass.includes("check")) {
    const { title, summary } = renderDriftCheck(incident);
    const fingerprint = JSON.stringify([branch, weaknesses.map((w) => w.id).sort(), restoration.state]);
    await publishDriftCheck(github, repo, appId, { headSha, fingerprint, title, summary });
  }
  if (protect.onBypass.includes("issue")) {
    for (const weakness of weaknesses) {
      const { title, body } = renderDriftIssue(incident, weakness);
      // A weakness already reported keeps its issue as first written; a new sighting rewrites it.
      await raiseIncidentIssue(github, repo, appId, { key: `protection:${branch}:${weakness.id}`, label: incidentLabel, title, body }, { update: weakness.kind !== "persisting" });
    }
  }
}

/** Two reasons to look, as one: an event's attribution is kept over a sweep's absence of one. */
export function mergeTriggers(older: ProtectionTrigger, newer: ProtectionTrigger): ProtectionTrigger {
  const attributed = newer.actor ? newer : older.actor ? older : newer;
  return { ...attributed, lost: [...new Set([...older.lost, ...newer.lost])], ...(newer.defaultBranch ?? older.defaultBranch ? { defaultBranch: (newer.defaultBranch ?? older.defaultBranch)! } : {}) };
}
