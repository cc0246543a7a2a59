/**
 * What the approval engine sees of a pull request: plain data gathered by a shell (the App from GitHub,
 * the CLI through a token), never GitHub types. Logins and team names are compared case-insensitively.
 */

/** GitHub's review states; PENDING reviews are drafts nobody else can see. */
export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";

export interface Review {
  user: string;
  state: ReviewState;
  /** The commit the reviewer looked at: an approval is bound to it, not to a time. */
  commitId: string;
  /** ISO time; only orders one reviewer's reviews. */
  submittedAt: string;
}

/** Facts about a reviewer, looked up by the shell. */
export interface Person {
  login: string;
  bot: boolean;
  /** Write (or maintain, or admin) permission on the repository. */
  canWrite: boolean;
  /** Teams of the repository's organisation the person belongs to, as slugs. */
  teams: readonly string[];
}

/** One approval requirement: `count` approvals from `users` or members of `teams` (anyone if both are empty). */
export interface ApprovalRequirement {
  name: string;
  /** Globs of governed files; undefined: every governed change. */
  files?: readonly string[];
  count: number;
  users: readonly string[];
  teams: readonly string[];
}

export interface ApprovalPolicy {
  rules: readonly ApprovalRequirement[];
  /** The rule for changes to Gitgate's own control plane, in addition to the others. */
  controlPlane: ApprovalRequirement;
  invalidateOnPush: boolean;
  allowAuthor: boolean;
  allowContributors: boolean;
  /** The base's CODEOWNERS, when `codeowners: true`. */
  codeowners?: CodeOwnersFile;
}

export interface CodeOwnersRule {
  pattern: string;
  /** Users as `user`, teams as `org/slug`, emails as they are (no login matches one), lower case; empty: the pattern un-owns its paths. */
  owners: readonly string[];
  line: number;
  matches(path: string): boolean;
}

export interface CodeOwnersFile {
  path: string;
  rules: readonly CodeOwnersRule[];
  /** Lines GitHub would ignore, with why. */
  problems: readonly { line: number; message: string }[];
  /**
   * Owners already looked up for each path (in an evaluation worker: matching thousands of repository
   * patterns is work for a bounded thread, not the server's event loop). Then `rules` is empty.
   */
  resolved?: ReadonlyMap<string, readonly string[]>;
}

export interface ApprovalFacts {
  /** The organisation (or user) owning the repository: rule teams are its teams. */
  owner: string;
  /** Governed files the pull request changes (base...head). */
  changedFiles: readonly string[];
  /** True when the change touches the control plane (config, schemas, policies, exceptions). */
  controlPlaneChanged: boolean;
  /** False when the config at the base is invalid: then only the control-plane rule applies. */
  configValid: boolean;
  author: string;
  /** Authors and committers of the pull request's commits (GitHub logins). */
  contributors: readonly string[];
  /**
   * Who pushed to the pull request's branch (GitHub logins, from the repository's activity): a writer
   * can commit under someone else's linked e-mail, but not push as someone else.
   */
  pushers: readonly string[];
  headSha: string;
  /** Every review of the pull request, in any order. */
  reviews: readonly Review[];
  /** Facts about every reviewer; a reviewer missing here is treated as having no write access. */
  people: ReadonlyMap<string, Person>;
  /** Digest of the governed diff base...head now; undefined when it cannot be computed (see governedDiffDigest). */
  governedDiffDigest: string | undefined;
  /** Digests of the governed diff recorded for earlier heads (commit → digest). */
  digestsByCommit: ReadonlyMap<string, string>;
  /** ISO time the pull request's base was last changed; absent when it never was. */
  baseChangedAt?: string;
}

export type RuleStatus = "satisfied" | "waiting" | "blocked";

export type IgnoreReason =
  | "author"
  | "contributor"
  | "pusher"
  | "bot"
  | "no-write-access"
  | "not-eligible"
  | "stale"
  | "retargeted"
  | "changes-requested"
  | "dismissed";

export interface IgnoredApproval {
  user: string;
  reason: IgnoreReason;
  /** The commit the ignored approval reviewed. */
  commitId: string;
}

export interface RuleVerdict {
  name: string;
  kind: "rule" | "control-plane" | "codeowners";
  /** The changed files that made the rule apply. */
  files: string[];
  required: number;
  status: RuleStatus;
  approvers: string[];
  /** Eligible reviewers whose latest review requests changes. */
  blockedBy: string[];
  ignored: IgnoredApproval[];
  /** Who could still approve: named users (not yet approving, not excluded), teams, or anyone with write access. */
  candidates: { users: string[]; teams: string[]; anyoneWithWrite: boolean };
}

export interface ApprovalVerdict {
  status: RuleStatus;
  rules: RuleVerdict[];
}
