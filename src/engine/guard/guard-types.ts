import type { JudgedFor } from "../judged-for.js";

/**
 * The guard's facts and verdicts, as plain data: what GitHub says about the commits that reached a
 * protected branch, and, per commit, whether it came through a pull request that Gitgate passed.
 */

/** A commit new on the branch (the compare API's list), with its parents to follow merges and rebases. */
export interface GuardCommit {
  sha: string;
  parents: readonly string[];
  /**
   * GitHub made the commit (signed by GitHub, committed by web-flow): a merge commit of its merge
   * button is the merge GitHub computed, even of files both sides changed.
   */
  madeByGitHub?: boolean;
}

/** A file as a change leaves it: its blob, or null when the change removes it. */
export interface FileAfter {
  path: string;
  blob: string | null;
  /** The path it was renamed from (that path is listed as removed too). */
  from?: string;
}

/**
 * What a commit landing a pull request changes, and what merging the pull request's head should
 * change, as GitHub's compare lists them (see mergesToCompare for the commit compared from, "first
 * parent" below): `merge` is first parent...merge, `pull` first parent...head
 * (the pull request's changes since it and the branch parted), `branch` head...first parent (the
 * branch's changes since then). A list is undefined when GitHub may not have given it whole.
 */
export interface MergeContent {
  merge: readonly FileAfter[] | undefined;
  pull: readonly FileAfter[] | undefined;
  branch: readonly FileAfter[] | undefined;
}

/** A pull request GitHub associates with a commit (`commits/{sha}/pulls`). */
export interface AssociatedPull {
  number: number;
  /** Merged (GitHub's `merged_at` is set), not merely closed or open. */
  merged: boolean;
  baseRef: string;
  /** The head the pull request had when it was merged: the commit its checks had to pass. */
  headSha: string;
  /** The commit that landed it on the base (merge commit, squash commit, last rebased commit, merge-group head). */
  mergeCommitSha: string | undefined;
}

/** One of Gitgate's own check runs (filtered to this App's id by whoever read it). */
export interface AppCheckRun {
  /** GitHub's id: a later run of a check on the same commit has a higher one. */
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  /** The pull request the run was judged for, when the run says (approval runs link their PR). */
  pullNumber?: number;
  /**
   * The pull requests and bases the run recorded its verdict was decided for (see verdict-records):
   * empty when it recorded none. A head's runs are per commit, not per pull request or base: a verdict
   * decided for one base stays on the head after the pull request is retargeted.
   */
  judgedFor: readonly JudgedFor[];
}

export interface GuardFacts {
  branch: string;
  /** The new commits, in any order; merges and rebases are recognised through their parents. */
  commits: readonly GuardCommit[];
  /** Pull requests per commit sha; a commit missing here was not looked up and cannot be decided. */
  pullsByCommit: ReadonlyMap<string, readonly AssociatedPull[]>;
  /** This App's check runs per commit sha (pushed commits and the merged heads of their pull requests). */
  checksByCommit: ReadonlyMap<string, readonly AppCheckRun[]>;
  /** The base's config asks for `gitgate/approval` (an `approvals:` section): only then is it required. */
  requireApproval: boolean;
  /**
   * Other branches whose merged pull requests count as well: a push that creates the branch starts it
   * from another branch the guard protects, whose commits came through pull requests into that one.
   */
  alsoMergedInto?: (baseRef: string) => boolean;
  /** What each merge commit landing a pull request changes, by mergeKey (see mergesToCompare). */
  mergeContents?: ReadonlyMap<string, MergeContent>;
}

/** How a pull request's changes reached the branch, as far as the commits show it. */
export type MergeMethod = "merge commit" | "squash" | "rebase" | "merge queue";

export type BypassReason =
  | { kind: "no-pull-request" }
  | { kind: "not-landed"; pulls: number[] }
  | { kind: "check-missing"; check: string; pull: number; head: string }
  | { kind: "check-failed"; check: string; pull: number; head: string; conclusion: string }
  | { kind: "check-stale"; check: string; pull: number; head: string; judged: string }
  /** Passed on the merged head, but decided for another base or pull request (`recorded`: what the run names). */
  | { kind: "check-decided-elsewhere"; check: string; pull: number; head: string; base: string; recorded: "another base" | "another pull request" | "nothing" }
  | { kind: "merge-content"; pull: number; paths: string[] }
  | { kind: "merge-unread"; pull: number; why: string };

export type CommitProvenance =
  | { sha: string; verdict: "through-pr"; pull: number; method: MergeMethod }
  | { sha: string; verdict: "bypass"; pull?: number; reasons: BypassReason[] }
  | { sha: string; verdict: "undecided"; reason: string };
