import type { Probot } from "probot";
import type { Report } from "../engine/report.js";
import type { GitHub, RepoRef } from "../github/github-types.js";
import type { EvaluationPool } from "../evaluation/evaluation-pool.js";
import { readGitHubControlPlane } from "../github/load-github-control-plane.js";
import type { StartedRun } from "../github/publish-check-run.js";
import { countRequests } from "../github/count-requests.js";
import { publishPreview, type PreviewComment, type PreviewToPublish } from "../github/publish-preview-comment.js";
import type { JobData, JobNotes } from "../queue/job-data.js";
import type { JobEngine, JobRunner } from "../queue/job-engine.js";
import { evaluateMergeGroup, type MergeGroup } from "./evaluate-merge-group.js";
import { evaluatePullRequest, type PullRequestHint, type PullRequestShas } from "./evaluate-pull-request.js";
import type { EvaluationDeps } from "./evaluation-deps.js";
import { failApprovals, reviewApprovals, type ValidatedApprovals } from "./judge-approvals.js";
import { guardDeletion, guardPush, type GuardedDeletion, type GuardedPush } from "./guard-branch.js";
import { checkProtection, mergeTriggers, type ProtectionTrigger } from "./check-protection.js";
import { inMemoryProtectionMemory, type ProtectionMemory } from "./protection-memory.js";

/** The part of a webhook context a job needs: who sent it, for which repository and installation. */
export interface EventContext {
  id: string;
  name: string;
  payload: { repository?: { owner: { login: string } | null; name: string }; installation?: { id: number }; pull_request?: { base?: { ref?: string; sha?: string }; head?: { sha?: string } } };
}

/**
 * What handlers ask for. Each call returns at once; the job is being submitted to the engine, and the
 * webhook is answered only once every job its handlers asked for is accepted (see `settled`).
 */
export interface Enqueue {
  appId: number;
  pullRequest(context: EventContext, number: number): void;
  /** Only the approval check of a PR (a review changed). */
  reviews(context: EventContext, number: number): void;
  mergeGroup(context: EventContext, group: MergeGroup): void;
  baseBranchPush(context: EventContext, push: { branch: string; sha: string; paths: string[]; complete: boolean }): void;
  /** The guard's verification of a push to a branch, or of a pull request merged into it. */
  guard(context: EventContext, work: GuardWork): void;
  /** A look at a repository's branch protection (an event changed it, the App was installed, or the sweep). */
  protection(target: { delivery: string; event: string; installation: number; repo: RepoRef }, trigger: ProtectionTrigger): void;
}

export type GuardWork = { kind: "push"; push: GuardedPush } | { kind: "deletion"; deletion: GuardedDeletion };

export interface JobOptions {
  appId: number;
  /** Where evaluations run (worker threads, bounded); the app closes it when it stops. */
  pool: EvaluationPool;
  today: () => string;
  onEvaluated?: (report: Report | undefined, seconds: number) => void;
  /** An evaluation still running after this long marks its check run in progress (default 1 s). */
  inProgressAfterMs?: number;
  onGitHubRequests?: (count: number, rateLimitRemaining: number | undefined) => void;
  /** The previous look at each protected branch (default: this process's memory). */
  protectionMemory?: ProtectionMemory;
}

/** Runs one kind of job, as an installation, with what every job needs. */
type KindRunner = (job: JobData, deps: EvaluationDeps, note: (notes: JobNotes) => Promise<void>) => Promise<void>;

export interface Jobs {
  enqueue: Enqueue;
  /** Runs any job, whichever replica submitted it (given to the engine). */
  run: JobRunner;
  /** Resolves once every job the handlers asked for while handling `context` is accepted; rejects if one was not. */
  settled(context: object): Promise<void>;
  /** Submits a PR's evaluation outside any webhook (sweeps), resolving once accepted. */
  submitPullRequest(target: { repo: RepoRef; installation: number; number: number; baseRef?: string }, origin: { delivery: string; event: string }): Promise<void>;
}

/** Turns events into plain-data jobs for the engine, and runs them: each authenticates as the installation when it runs. */
export function createJobs(app: Probot, engine: JobEngine, options: JobOptions): Jobs {
  const pending = new WeakMap<object, Promise<void>[]>();
  const memory = options.protectionMemory ?? inMemoryProtectionMemory();
  // What waiting protection jobs were asked for in this process: a newer job replaces a waiting one,
  // so it carries the older one's reasons too (across replicas the wording may name only the newest).
  const protectionTriggers = new Map<string, ProtectionTrigger>();
  // Repositories whose last judged PR had a Gitgate config: only there is the change a webhook names
  // listed beside the PR query (elsewhere that listing would be a request for nothing). This process's
  // memory, and only a hint: a repository not (yet) in it is judged the same, one round trip slower.
  const governedRepos = recentlySeen(1000);
  // The same delivery (same id) asks for the same work: do it once. Different deliveries about the
  // same subject still coalesce in the engine.
  const submit = async (job: JobData): Promise<void> => {
    if (!(await engine.submit(job))) app.log.debug({ delivery: job.delivery, key: job.key }, "duplicate delivery ignored");
  };
  const track = (context: EventContext, job: JobData | undefined) => {
    if (!job) return;
    const accepted = submit(job);
    // Handled here so a job nobody awaits cannot crash the process; `settled` rethrows it to the webhook.
    accepted.catch((error: unknown) => app.log.error({ delivery: job.delivery, key: job.key, err: error }, "job not accepted"));
    const list = pending.get(context) ?? [];
    list.push(accepted);
    pending.set(context, list);
  };
  const targetOf = (context: EventContext) => {
    const { repository, installation } = context.payload;
    if (!repository?.owner || !installation) return undefined;
    return { repo: { owner: repository.owner.login, repo: repository.name }, installation: installation.id };
  };
  const jobOf = (context: EventContext, kind: string, key: (repo: string) => string, args: Record<string, unknown>): JobData | undefined => {
    const t = targetOf(context);
    return t && { kind, key: key(`${t.repo.owner}/${t.repo.repo}`), delivery: context.id, event: context.name, ...t, args };
  };
  const pullRequestJob = (target: { repo: RepoRef; installation: number; number: number; baseRef?: string | undefined; shas?: PullRequestShas | undefined }, origin: { delivery: string; event: string }): JobData => ({
    kind: "pull-request",
    key: `pr:${target.repo.owner}/${target.repo.repo}#${target.number}`,
    delivery: origin.delivery,
    event: origin.event,
    repo: target.repo,
    installation: target.installation,
    // The base and commits the webhook names are guesses (checked against the PR as read), good for
    // reading its control plane and listing its change early.
    args: { pr: target.number, ...(target.baseRef ? { baseRef: target.baseRef } : {}), ...target.shas },
  });

  // Every approval verdict of a PR is decided by a job under this key, so never two at once (see reviewApprovals).
  const approvalKey = (repo: string, pr: number) => `approval:${repo}#${pr}`;
  // Carrying what validation found, or (`head` only) deciding from the PR as it is then.
  const approvalJob = (origin: JobData, pr: number, work: { validated: ValidatedApprovals } | { head: string }): JobData => ({
    kind: "approvals",
    key: approvalKey(`${origin.repo.owner}/${origin.repo.repo}`, pr),
    delivery: origin.delivery,
    event: origin.event,
    repo: origin.repo,
    installation: origin.installation,
    args: { pr, head: "validated" in work ? work.validated.headSha : work.head },
    ...("validated" in work ? { carried: { validated: work.validated } } : {}),
  });

  // A PR's sticky preview comment is written by a job of its own, in the paced lane: creating a comment
  // waits out GitHub's spacing of new content (3 s per installation), which must not hold a slot that
  // evaluations and verdicts need. One job at a time per PR (so never two comments created), and the
  // newest evaluation's preview wins over a waiting one's (newestCarried).
  const previewKey = (repo: string, pr: number) => `preview:${repo}#${pr}`;
  const previewJob = (origin: JobData, pr: number, preview: PreviewComment, lookAgain: boolean): JobData => ({
    kind: "preview",
    key: previewKey(`${origin.repo.owner}/${origin.repo.repo}`, pr),
    delivery: origin.delivery,
    event: origin.event,
    repo: origin.repo,
    installation: origin.installation,
    lane: "paced",
    newestCarried: true,
    args: { pr },
    // All of it, not only the body: with Redis a waiting job runs with the newest job's carried data.
    carried: { preview: { ...preview, lookAgain } satisfies PreviewToPublish },
  });

  const runners: Record<string, KindRunner> = {
    "pull-request": async (job, deps, note) => {
      const { pr, headSha, baseSha, ...hint } = job.args as { pr: number } & PullRequestHint;
      const repo = `${job.repo.owner}/${job.repo.repo}`;
      const attempt = { superseded: () => engine.superseded(job.key), interruptedRun: job.notes?.startedRun, onRunStarted: (run: StartedRun) => note({ startedRun: run }) };
      // Asked before the PR is read: while no comment job of this PR is waiting or running, none can
      // create the comment after that read (only this PR's jobs submit them, one at a time), so the
      // comment the read finds, or that there is none, still holds when the comment job writes.
      const commentBusy = await engine.pending(previewKey(repo, pr)).catch(() => true);
      const judged = await evaluatePullRequest({ ...deps, ...attempt }, pr, governedRepos.has(repo) ? { ...hint, headSha, baseSha } : hint);
      if (judged) governedRepos.remember(repo, judged.governed);
      const validated = judged?.approvals;
      // Not accepted (a full queue, Redis away): the approval check must not keep the verdict it had.
      if (validated) await submit(approvalJob(job, pr, { validated })).catch((error: Error) => failApprovals({ ...deps, ...attempt }, validated.headSha, error));
      // Runs an earlier validation marked, on a base that asks for no approvals now: settled by an
      // approval job, one at a time with the PR's other verdicts, from the PR as it is then.
      else if (judged?.unfinishedApprovals) await submit(approvalJob(job, pr, { head: judged.unfinishedApprovals }));
      // After the verdicts' jobs: the comment only informs. Not accepted, it is logged; the verdict stands.
      if (judged?.preview) await submit(previewJob(job, pr, judged.preview, commentBusy)).catch((error: unknown) => deps.log.warn({ err: error }, "preview comment not queued"));
    },
    preview: async (job, deps) => {
      const { pr } = job.args as { pr: number };
      const preview = job.carried?.preview as PreviewToPublish | undefined;
      if (!preview) return;
      if (!(await publishPreview(deps.github, deps.repo, pr, preview))) deps.log.debug({ head: preview.headSha }, "preview left to the evaluation of a newer head");
    },
    approvals: async (job, deps) => {
      const { pr, head } = job.args as { pr: number; head?: string };
      await reviewApprovals(deps, pr, head, job.carried?.validated as ValidatedApprovals | undefined);
    },
    "merge-group": async (job, deps) => {
      await evaluateMergeGroup(deps, job.args as unknown as MergeGroup);
    },
    guard: async (job, deps) => {
      const work = job.args as unknown as GuardWork | { kind: "merge" };
      // An earlier version also queued a check of a merged pull request's commit alone; the push that
      // landed it is checked whole, so such a job left in a queue has nothing to add.
      if (work.kind === "push") await guardPush(deps, work.push);
      else if (work.kind === "deletion") await guardDeletion(deps, work.deletion);
    },
    protection: async (job, deps) => {
      const trigger = protectionTriggers.get(job.key) ?? (job.args as unknown as ProtectionTrigger);
      protectionTriggers.delete(job.key);
      await checkProtection({ ...deps, memory, now: () => new Date() }, trigger);
    },
    "base-push": async (job, deps) => {
      const change = job.args as { branch: string; sha: string; paths: string[]; complete: boolean };
      const plane = await readGitHubControlPlane(deps.github, job.repo, change.sha);
      if (!plane) return;
      // Which paths the control plane covers is for the config to say, so a worker reads it.
      if (change.complete && (await options.pool.controlPlanePaths(plane.source, plane.reader, change.paths)).length === 0) return;
      const open = await deps.github.paginate(deps.github.rest.pulls.list, { owner: job.repo.owner, repo: job.repo.repo, state: "open", base: change.branch, per_page: 100 });
      deps.log.info({ prs: open.length }, "control plane changed: re-evaluating open pull requests");
      await Promise.all(open.map((pr) => submit(pullRequestJob({ repo: job.repo, installation: job.installation, number: pr.number }, { delivery: job.delivery, event: job.event }))));
    },
  };

  const run: JobRunner = async (job, note) => {
    const runner = runners[job.kind];
    const context = { delivery: job.delivery, event: job.event, repo: `${job.repo.owner}/${job.repo.repo}`, ...job.args };
    if (!runner) {
      // A job submitted by a newer replica during a rolling update: leave it to one that knows it.
      app.log.warn(context, `unknown job kind ${job.kind}: skipped`);
      return;
    }
    const github = (await app.auth(job.installation)) as GitHub;
    const counter = countRequests(github);
    const log = app.log.child(context);
    try {
      await runner(job, {
        github,
        repo: job.repo,
        appId: options.appId,
        pool: options.pool,
        today: options.today,
        log,
        ...(options.onEvaluated ? { onEvaluated: options.onEvaluated } : {}),
        ...(options.inProgressAfterMs !== undefined ? { inProgressAfterMs: options.inProgressAfterMs } : {}),
      }, note);
    } finally {
      options.onGitHubRequests?.(counter.count, counter.rateLimitRemaining);
      log.debug({ githubRequests: counter.count }, "GitHub requests of this job");
    }
  };

  const enqueue: Enqueue = {
    appId: options.appId,
    pullRequest(context, number) {
      const t = targetOf(context);
      const pr = context.payload.pull_request;
      const shas = pr?.head?.sha && pr.base?.sha ? { headSha: pr.head.sha, baseSha: pr.base.sha } : undefined;
      if (t) track(context, pullRequestJob({ repo: t.repo, installation: t.installation, number, baseRef: pr?.base?.ref, shas }, { delivery: context.id, event: context.name }));
    },
    reviews(context, number) {
      // Its own key: coalescing with the PR's job would drop that job's validation. The head the review
      // was of is where a verdict that cannot be decided fails.
      const head = (context.payload as { pull_request?: { head?: { sha?: string } } }).pull_request?.head?.sha;
      track(context, jobOf(context, "approvals", (repo) => approvalKey(repo, number), { pr: number, ...(head ? { head } : {}) }));
    },
    mergeGroup(context, group) {
      track(context, jobOf(context, "merge-group", (repo) => `merge-group:${repo}@${group.headSha}`, { ...group }));
    },
    baseBranchPush(context, change) {
      // One job per pushed commit: two pushes must not coalesce, the first one's paths would be lost.
      track(context, jobOf(context, "base-push", (repo) => `push:${repo}:${change.branch}@${change.sha}`, { ...change }));
    },
    guard(context, work) {
      // One job per pushed tip: every push brings its own commits, so two must never coalesce;
      // duplicates of one delivery share the key and run one after another.
      const key = work.kind === "push" ? `${work.push.branch}@${work.push.after}` : `${work.deletion.branch}@deleted-${work.deletion.tip}`;
      track(context, jobOf(context, "guard", (repo) => `guard:${repo}:${key}`, { ...work }));
    },
    protection(target, trigger) {
      const key = `protection:${target.repo.owner}/${target.repo.repo}`;
      const waiting = protectionTriggers.get(key);
      const merged = waiting ? mergeTriggers(waiting, trigger) : trigger;
      protectionTriggers.set(key, merged);
      // Sweeps and installation events ask for many repositories at once, outside the handler's own
      // accounting: a look that is not accepted is logged, and the next sweep asks again.
      submit({ kind: "protection", key, delivery: target.delivery, event: target.event, repo: target.repo, installation: target.installation, args: { ...merged } })
        .catch((error: unknown) => app.log.error({ delivery: target.delivery, key, err: error }, "job not accepted"));
    },
  };

  return {
    enqueue,
    run,
    async settled(context) {
      const list = pending.get(context) ?? [];
      pending.delete(context);
      await Promise.all(list);
    },
    submitPullRequest: (target, origin) => submit(pullRequestJob(target, origin)),
  };
}

/** A bounded set of names, the least recently remembered forgotten first. */
function recentlySeen(limit: number) {
  const names = new Set<string>();
  return {
    has: (name: string) => names.has(name),
    remember(name: string, present: boolean) {
      names.delete(name);
      if (!present) return;
      names.add(name);
      if (names.size > limit) names.delete(names.values().next().value!);
    },
  };
}
