import type { ChangeSet, FileContent, ReadContent } from "../engine/change-set.js";
import type { EvaluateOptions } from "../engine/evaluate-change-set.js";
import type { Report } from "../engine/report.js";
import type { GitHubOutput } from "../github/check-run-output.js";
import type { ApprovalScope, ChangedPath } from "./approval-scope.js";
import type { GuardSettings } from "./guard-settings.js";

/**
 * Where a control plane comes from, as plain data the main thread can hand to a worker: the worker
 * reads the files through the host (see EvaluationHost) and builds the plane itself, because a built
 * plane holds compiled validators and functions that cannot cross threads.
 */
export interface ControlPlaneSource {
  configPath?: string;
  /** Replaces the config file's content (the CLI's --config). */
  configText?: string;
  /** The organisation's config text from its `.github` repository, and the name to report it under. */
  inherited?: { text: string; source: string };
  /**
   * Every file where the config is read (the CLI: the base commit's tree, or the working tree) and how
   * to name that place, so a config glob matching none of them is a warning. The App does not send it.
   */
  repositoryFiles?: { paths: string[]; where: string };
}

/** What the main thread needs to know from the config to fetch the change: decided in the worker. */
export interface EvaluationRoute {
  maxFileBytes: number;
  /** `preview.comment` of the config. */
  previewComment: boolean;
  /**
   * Which of the job's candidates (the paths a validate may judge) the config governs: 1 at a governed
   * one's index. Absent when the job names none, or when the config has errors (it governs nothing
   * then). Matched in the worker, where the config's globs are compiled anyway: the main thread never
   * loads the matcher. Flags rather than paths: a repository's validate has tens of thousands.
   */
  governed?: Uint8Array;
}

/**
 * The main thread's side of an evaluation: the I/O a worker asks for. Reads are served on the main
 * thread (they wait on GitHub or git, they do not compute), so the worker does only the CPU work.
 */
export interface EvaluationHost {
  read(path: string): Promise<string | undefined>;
  list(path: string): Promise<string[]>;
  /**
   * Reads these files and folders in one go before the plane is built (GitHub: one round of queries).
   * `change`, once the config is known: the limit the change's files will be read with, so a host may
   * read them in the same round as these control-plane files (GitHub: one query instead of two).
   */
  prefetch?(paths: string[], folders: string[], change?: { maxFileBytes: number }): Promise<void>;
  /** The change to judge, read with the limits the config sets. */
  changes(route: EvaluationRoute): Promise<ChangeSet>;
  /**
   * The head contents of files `changes` listed as deferred, read when the worker judges them: several
   * at a time, as one message each way (a repository's validate reads thousands).
   */
  contents?(paths: string[]): Promise<(ReadContent | undefined)[]>;
  /**
   * Every file path of a commit of the change (its base or head) and batched reads there: what
   * rendering Kustomize and Helm needs (src/rendering). A source without them does not render.
   */
  treePaths?(commit: string): Promise<string[]>;
  treeRead?(commit: string, paths: string[]): Promise<[string, FileContent | undefined][]>;
  /**
   * The bytes of binary files at a commit (`treeRead` keeps none), for the few a render target needs:
   * undefined for a path that is no file within the size limit; a read that fails throws, naming it.
   */
  treeReadBinary?(commit: string, paths: string[]): Promise<[string, Uint8Array | undefined][]>;
}

export type EvaluationJob =
  | { kind: "evaluate"; source: ControlPlaneSource; options: EvaluateOptions; render?: RenderRequest; candidates?: Candidates }
  | { kind: "control-plane-paths"; source: ControlPlaneSource; paths: string[] }
  | { kind: "approval-scope"; source: ControlPlaneSource; changed: ChangedPath[] }
  | { kind: "guard-settings"; source: ControlPlaneSource };

/**
 * The paths a validate may judge, for the worker to say which the config governs (EvaluationRoute):
 * these, or the source's `repositoryFiles`, in their order (they are sent once).
 */
export type Candidates = string[] | "repository-files";

/** Outputs to render in the worker too: rendering walks the whole untrusted change. */
export interface RenderRequest {
  /** The check run and comment for GitHub; `parts` bases share one check run's size limits. */
  github?: { parts: number };
}

export interface EvaluationResult {
  report: Report;
  /** When asked for (RenderRequest.github). */
  github?: GitHubOutput;
  route: EvaluationRoute;
  /** The control plane itself has errors (the CLI exits 2 for those, not 1). */
  controlPlaneBroken: boolean;
  /** For the approval check (changes only, not snapshots). */
  approvals?: ApprovalScope;
}

export type JobResult =
  | { kind: "evaluate"; result: EvaluationResult }
  | { kind: "control-plane-paths"; paths: string[] }
  | { kind: "approval-scope"; scope: ApprovalScope }
  | { kind: "guard-settings"; settings: GuardSettings };

/** Why an evaluation was stopped: it fails closed with this message. */
export class EvaluationError extends Error {
  override name = "EvaluationError";
  constructor(message: string, readonly reason: "timeout" | "memory" | "crashed") {
    super(message);
  }
}
