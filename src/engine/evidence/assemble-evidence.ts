import { reviewerStandings } from "../approvals/latest-reviews.js";
import type { Review } from "../approvals/approval-types.js";
import type { ChangeStatus } from "../change-set.js";
import { describeReason } from "../guard/decide-provenance.js";
import type { AppCheckRun, CommitProvenance, MergeMethod } from "../guard/guard-types.js";

/**
 * Change-management evidence for one branch over a period, as plain data: for each pull request that
 * changed it, who wrote it, who approved which commit, who merged it and when, what Gitgate's checks
 * concluded on the head that was merged and which files it changed; and every commit that reached the
 * branch outside an approved pull request, with why. Built from the guard's verdicts, so the record
 * and `gitgate guard` never disagree.
 */

/** A commit of the branch as the record shows it. */
export interface EvidenceCommit {
  sha: string;
  /** The GitHub account GitHub matched to the author's e-mail, or else the name the commit gives. */
  author: string;
  authorMatched: boolean;
  date: string;
  /** The first line of its message. */
  subject: string;
  url: string;
}

export interface ChangedFileRecord {
  path: string;
  status: ChangeStatus;
  previousPath?: string;
}

/** The files a change touched, and whether GitHub listed them all. */
export interface FilesRecord {
  files: ChangedFileRecord[];
  /** False when GitHub's listing stopped at its limit: the list is the first part only. */
  complete: boolean;
}

/** What GitHub says about one pull request. */
export interface EvidencePullFacts {
  number: number;
  title: string;
  url: string;
  author: string | null;
  mergedBy: string | null;
  mergedAt: string | null;
  /** The head the pull request had when it was merged. */
  headSha: string;
  reviews: Review[];
  changed: FilesRecord;
}

export interface EvidenceFacts {
  branch: string;
  requireApproval: boolean;
  /** The branch's commits in the period, oldest first, and the guard's verdict on each (same order). */
  commits: readonly EvidenceCommit[];
  verdicts: readonly CommitProvenance[];
  /** Every pull request a verdict names. */
  pulls: ReadonlyMap<number, EvidencePullFacts>;
  /** The trusted App's check runs per commit (the merged heads among them). */
  checksByCommit: ReadonlyMap<string, readonly AppCheckRun[]>;
  /** What each bypassing commit changed (against its first parent). */
  bypassFiles: ReadonlyMap<string, FilesRecord>;
}

export interface ApprovalRecord {
  reviewer: string;
  /** The commit the approval was given on. */
  commit: string;
  submittedAt: string;
  /** Given on the head that was merged, not on an earlier commit. */
  ofMergedHead: boolean;
}

export interface CheckRecord {
  name: string;
  /** The latest run's conclusion, or its status when it had not completed. */
  conclusion: string;
}

export interface PullRecord {
  pull: number;
  title: string;
  url: string;
  author: string | null;
  mergedBy: string | null;
  mergedAt: string | null;
  mergedHead: string;
  /** How it reached the branch; undefined when it reached it only by bypassing. */
  method: MergeMethod | undefined;
  /** "bypass" when any commit it brought is one (merged past a failing check, say). */
  verdict: "through-pr" | "bypass";
  /** The branch commits it brought in the period, oldest first. */
  commits: EvidenceCommit[];
  /**
   * Approvals on record when it was merged: each reviewer's latest review before the merge, when that is
   * an approval. Which of them counted (write access, rules, stale commits) is gitgate/approval's verdict.
   */
  approvals: ApprovalRecord[];
  /** Reviewers whose latest review asked for changes. */
  changesRequested: string[];
  /** Gitgate's checks on the merged head, latest run of each. */
  checks: CheckRecord[];
  changed: FilesRecord;
}

export interface BypassRecord extends EvidenceCommit {
  pull: number | null;
  reasons: string[];
  changed: FilesRecord;
}

export interface Evidence {
  branch: string;
  /** gitgate/approval was required of each merge, as well as gitgate/validate. */
  requireApproval: boolean;
  commits: number;
  pulls: PullRecord[];
  bypasses: BypassRecord[];
}

export function assembleEvidence(facts: EvidenceFacts): Evidence {
  const records = new Map<number, PullRecord>();
  const bypasses: BypassRecord[] = [];
  facts.verdicts.forEach((verdict, i) => {
    const commit = facts.commits[i]!;
    const shown: EvidenceCommit = { sha: commit.sha, author: commit.author, authorMatched: commit.authorMatched, date: commit.date, subject: commit.subject, url: commit.url };
    if (verdict.verdict === "undecided") throw new Error(`commit ${verdict.sha} is undecided: no evidence can be assembled`);
    const number = verdict.pull;
    if (number !== undefined) {
      const record = records.get(number) ?? newRecord(facts, number);
      records.set(number, record);
      record.commits.push(shown);
      if (verdict.verdict === "through-pr") record.method ??= verdict.method;
      else record.verdict = "bypass";
    }
    if (verdict.verdict === "bypass") {
      bypasses.push({
        ...shown,
        pull: verdict.pull ?? null,
        reasons: verdict.reasons.map((r) => describeReason(r, facts.branch)),
        changed: facts.bypassFiles.get(commit.sha) ?? { files: [], complete: false },
      });
    }
  });
  return { branch: facts.branch, requireApproval: facts.requireApproval, commits: facts.commits.length, pulls: [...records.values()], bypasses };
}

function newRecord(facts: EvidenceFacts, number: number): PullRecord {
  const pull = facts.pulls.get(number);
  if (!pull) throw new Error(`pull request #${number} was not read: no evidence can be assembled`);
  // What stood when it was merged: a review given afterwards approved nothing that landed.
  const merged = pull.mergedAt === null ? Infinity : Date.parse(pull.mergedAt);
  const standings = reviewerStandings(pull.reviews.filter((r) => Date.parse(r.submittedAt) <= merged));
  return {
    pull: number,
    title: pull.title,
    url: pull.url,
    author: pull.author,
    mergedBy: pull.mergedBy,
    mergedAt: pull.mergedAt,
    mergedHead: pull.headSha,
    method: undefined,
    verdict: "through-pr",
    commits: [],
    approvals: standings.flatMap((s) => (s.approval ? [{ reviewer: s.user, commit: s.approval.commitId, submittedAt: s.approval.submittedAt, ofMergedHead: s.approval.commitId === pull.headSha }] : [])),
    changesRequested: standings.filter((s) => s.requestsChanges).map((s) => s.user),
    checks: latestChecks(facts.checksByCommit.get(pull.headSha) ?? []),
    changed: pull.changed,
  };
}

/** The latest run (GitHub's highest id) of each check on a commit, as branch protection reads them. */
function latestChecks(runs: readonly AppCheckRun[]): CheckRecord[] {
  const latest = new Map<string, AppCheckRun>();
  for (const run of runs) if ((latest.get(run.name)?.id ?? -1) < run.id) latest.set(run.name, run);
  return [...latest.values()].sort((a, b) => a.name.localeCompare(b.name)).map((run) => ({ name: run.name, conclusion: run.conclusion ?? run.status }));
}
