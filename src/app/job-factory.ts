import type { Probot } from "probot";
import type { Report } from "../engine/report.js";
import type { GitHub, RepoRef } from "../github/github-types.js";
import type { EvaluationPool } from "../evaluation/evaluation-pool.js";
import { readGitHubControlPlane } from "../github/load-github-control-plane.js";
import { countRequests } from "../github/count-requests.js";
import { evaluateMergeGroup, type MergeGroup } from "./evaluate-merge-group.js";
import { evaluatePullRequest } from "./evaluate-pull-request.js";
import type { EvaluationDeps } from "./evaluation-deps.js";
import { reviewApprovals } from "./judge-approvals.js";
import type { Job, WorkQueue } from "./work-queue.js";
import { checkProtection, mergeTriggers, type ProtectionTrigger } from "./check-protection.js";
import { inMemoryProtectionMemory, type ProtectionMemory } from "./protection-memory.js";

/** The part of a webhook context a job needs: who sent it, for which repository and installation. */
export interface EventContext {
  id: string;
  name: string;
  payload: { repository?: { owner: { login: string } | null; name: string }; installation?: { id: number }; pull_request?: { base?: { ref?: string } } };
}

export interface Enqueue {
  appId: number;
  pullRequest(context: EventContext, number: number): void;
  /** Only the approval check of a PR (a review changed). */
  reviews(context: EventContext, number: number): void;
  mergeGroup(context: EventContext, group: MergeGroup): void;
  baseBranchPush(context: EventContext, push: { branch: string; sha: string; paths: string[]; complete: boolean }): void;
  /** A look at a repository's branch protection (an event changed it, the App was installed, or the sweep). */
  protection(target: { delivery: string; event: string; installation: number; repo: RepoRef }, trigger: ProtectionTrigger): void;
}

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

/**
 * Deliveries are remembered this long to recognise GitHub's duplicates. A redelivery someone asks for
 * later (usually because something failed) is processed again.
 */
const duplicateWindowMs = 10 * 60_000;

/** Turns webhook events into queued jobs; each job authenticates as the installation when it runs. */
export function createEnqueue(app: Probot, queue: WorkQueue, options: JobOptions): Enqueue {
  const seen = new Map<string, number>();
  const memory = options.protectionMemory ?? inMemoryProtectionMemory();
  // What waiting protection jobs were asked for: a newer job replaces a waiting one, so it inherits its reasons.
  const protectionTriggers = new Map<string, ProtectionTrigger>();
  // The same delivery (same id) asks for the same work: do it once. Different deliveries about the
  // same PR still coalesce in the queue.
  const push = (delivery: string, job: Job) => {
    const now = Date.now();
    for (const [id, at] of seen) {
      if (now - at < duplicateWindowMs) break;
      seen.delete(id);
    }
    const id = `${delivery}\u0000${job.key}`;
    if (seen.has(id)) {
      app.log.debug(job.context, "duplicate delivery ignored");
      return;
    }
    seen.set(id, now);
    queue.push(job);
  };
  const target = (context: EventContext) => {
    const { repository, installation } = context.payload;
    if (!repository?.owner || !installation) return undefined;
    return { repo: { owner: repository.owner.login, repo: repository.name }, installation: installation.id };
  };
  const deps = async (repo: RepoRef, installation: number, context: Record<string, unknown>): Promise<EvaluationDeps & { done(): void }> => {
    const github = (await app.auth(installation)) as GitHub;
    const counter = countRequests(github);
    return {
      github,
      repo,
      appId: options.appId,
      pool: options.pool,
      today: options.today,
      log: app.log.child(context),
      ...(options.onEvaluated ? { onEvaluated: options.onEvaluated } : {}),
      ...(options.inProgressAfterMs !== undefined ? { inProgressAfterMs: options.inProgressAfterMs } : {}),
      done: () => {
        options.onGitHubRequests?.(counter.count, counter.rateLimitRemaining);
        app.log.child(context).debug({ githubRequests: counter.count }, "GitHub requests of this job");
      },
    };
  };
  const enqueue: Enqueue = {
    appId: options.appId,
    pullRequest(context, number) {
      const t = target(context);
      if (!t) return;
      const log = { delivery: context.id, event: context.name, repo: `${t.repo.owner}/${t.repo.repo}`, pr: number };
      const key = `pr:${log.repo}#${number}`;
      // The base the webhook names is a guess (checked against the PR as read), good for reading its control plane early.
      const baseRef = context.payload.pull_request?.base?.ref;
      push(context.id, {
        key,
        context: log,
        run: async () => {
          const d = { ...(await deps(t.repo, t.installation, log)), superseded: () => queue.hasWaiting(key) };
          await evaluatePullRequest(d, number, baseRef ? { baseRef } : {}).finally(d.done);
        },
      });
    },
    reviews(context, number) {
      const t = target(context);
      if (!t) return;
      const log = { delivery: context.id, event: context.name, repo: `${t.repo.owner}/${t.repo.repo}`, pr: number };
      // Its own key: coalescing with the PR's job would drop that job's validation.
      push(context.id, {
        key: `approval:${log.repo}#${number}`,
        context: log,
        run: async () => {
          const d = await deps(t.repo, t.installation, log);
          await reviewApprovals(d, number).finally(d.done);
        },
      });
    },
    mergeGroup(context, group) {
      const t = target(context);
      if (!t) return;
      const log = { delivery: context.id, event: context.name, repo: `${t.repo.owner}/${t.repo.repo}`, head: group.headSha };
      push(context.id, {
        key: `merge-group:${log.repo}@${group.headSha}`,
        context: log,
        run: async () => {
          const d = await deps(t.repo, t.installation, log);
          await evaluateMergeGroup(d, group).finally(d.done);
        },
      });
    },
    baseBranchPush(context, change) {
      const t = target(context);
      if (!t) return;
      const log = { delivery: context.id, event: context.name, repo: `${t.repo.owner}/${t.repo.repo}`, branch: change.branch };
      push(context.id, {
        key: `push:${log.repo}:${change.branch}`,
        context: log,
        run: async () => {
          const d = await deps(t.repo, t.installation, log);
          try {
            const plane = await readGitHubControlPlane(d.github, t.repo, change.sha);
            if (!plane) return;
            // Which paths the control plane covers is for the config to say, so a worker reads it.
            if (change.complete && (await options.pool.controlPlanePaths(plane.source, plane.reader, change.paths)).length === 0) return;
            const open = await d.github.paginate(d.github.rest.pulls.list, { owner: t.repo.owner, repo: t.repo.repo, state: "open", base: change.branch, per_page: 100 });
            d.log.info({ prs: open.length }, "control plane changed: re-evaluating open pull requests");
            for (const pr of open) enqueue.pullRequest(context, pr.number);
          } finally {
            d.done();
          }
        },
      });
    },
    protection(target, trigger) {
      const log = { delivery: target.delivery, event: target.event, repo: `${target.repo.owner}/${target.repo.repo}` };
      const key = `protection:${log.repo}`;
      const waiting = protectionTriggers.get(key);
      protectionTriggers.set(key, waiting ? mergeTriggers(waiting, trigger) : trigger);
      push(target.delivery, {
        key,
        context: log,
        run: async () => {
          const reasons = protectionTriggers.get(key) ?? trigger;
          protectionTriggers.delete(key);
          const d = await deps(target.repo, target.installation, log);
          await checkProtection({ ...d, memory, now: () => new Date() }, reasons).finally(d.done);
        },
      });
    },
  };
  return enqueue;
}
