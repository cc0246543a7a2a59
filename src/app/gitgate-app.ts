import type { ApplicationFunction, Probot } from "probot";
import { onCheckRun } from "./handlers/check-run.js";
import { onCheckSuite } from "./handlers/check-suite.js";
import { onMergeGroup } from "./handlers/merge-group.js";
import { onPullRequest } from "./handlers/pull-request.js";
import { onPush } from "./handlers/push.js";
import { onPullRequestReview } from "./handlers/pull-request-review.js";
import { createJobs, type JobOptions, type Jobs } from "./job-factory.js";
import { onBranchProtectionRule } from "./handlers/branch-protection-rule.js";
import { onRepositoryRuleset } from "./handlers/repository-ruleset.js";
import { onInstallation } from "./handlers/installation.js";
import { queueProtectionLooks, type InstallationAuth } from "./protection-sweep.js";
import type { GitHub } from "../github/github-types.js";
import { redeliverMissed } from "../github/redeliver-missed.js";
import type { JobEngine } from "../queue/job-engine.js";
import { MemoryEngine } from "../queue/memory-engine.js";
import type { PeriodicSweep } from "../queue/periodic-sweep.js";
import { missedDeliverySweep } from "./missed-delivery-sweep.js";
import { reconcileSweep } from "./reconcile-sweep.js";

export interface GitgateApp {
  appFn: ApplicationFunction;
  /** The engine jobs wait and run in (exists once the app is loaded). */
  queue: () => JobEngine;
  /** Asks GitHub to redeliver webhooks Gitgate needs that never succeeded since `since`. */
  recoverMissedDeliveries: (since: Date) => Promise<string[]>;
  /** One reconcile pass: open PRs whose head has no completed verdict are submitted again. Returns how many. */
  reconcile: () => Promise<number>;
  /** What runs on a schedule (the server hands them to the engine). */
  sweeps: () => PeriodicSweep[];
  /** Queues a look at the branch protection of every installed repository; returns how many. */
  sweepProtection: () => Promise<number>;
}

/** The events Gitgate acts on: the ones worth recovering when a delivery was missed. */
export const handledEvents = new Set(["pull_request", "pull_request_review", "check_suite", "check_run", "merge_group", "push", "branch_protection_rule", "repository_ruleset", "installation", "installation_repositories"]);

export interface GitgateAppOptions extends JobOptions {
  /** Where jobs wait and run; by default in this process. The app starts it once loaded. */
  engine?: JobEngine;
  concurrency?: number;
  maxPending?: number;
  onQueueDepth?: (depth: number) => void;
  /** Minutes between sweeps of the delivery log for missed webhooks (0: only at start). */
  redeliveryIntervalMinutes?: number;
  /** Minutes between reconcile sweeps over open PRs (0: only at start; off: never). */
  reconcileIntervalMinutes?: number | "off";
  /** Minutes between looks at every installed repository's branch protection (0: only on events). */
  protectionSweepMinutes?: number;
}

/**
 * The Probot app: each handler only turns its event into a job; the webhook is answered once the job
 * is accepted by the engine (at once in memory, once stored with Redis), and the work runs there.
 */
export function createGitgateApp(options: GitgateAppOptions): GitgateApp {
  let engine: JobEngine | undefined;
  let probot: Probot | undefined;
  let jobs: Jobs | undefined;
  const loaded = () => {
    if (!probot || !engine || !jobs) throw new Error("the app is not loaded yet");
    return { probot, engine, jobs };
  };
  const appAuth = async () => (await loaded().probot.auth()) as GitHub;
  let queueLooks: ((request: Parameters<typeof queueProtectionLooks>[3]) => Promise<number>) | undefined;
  const appFn: ApplicationFunction = async (app: Probot) => {
    probot = app;
    engine = options.engine ?? new MemoryEngine({
      concurrency: options.concurrency ?? 4,
      maxPending: options.maxPending ?? 10_000,
      log: app.log.child({ name: "queue" }),
      ...(options.onQueueDepth ? { onDepth: options.onQueueDepth } : {}),
    });
    jobs = createJobs(app, engine, options);
    const handlers = answeringAfterAccepted(app, jobs);
    onPullRequest(handlers, jobs.enqueue);
    onCheckSuite(handlers, jobs.enqueue);
    onCheckRun(handlers, jobs.enqueue);
    onMergeGroup(handlers, jobs.enqueue);
    onPush(handlers, jobs.enqueue);
    onPullRequestReview(handlers, jobs.enqueue);
    const auth: InstallationAuth = { asApp: async () => (await app.auth()) as GitHub, asInstallation: async (id) => (await app.auth(id)) as GitHub };
    const enqueue = jobs.enqueue;
    queueLooks = (request) => queueProtectionLooks(auth, enqueue, app.log.child({ name: "protection" }), request);
    onBranchProtectionRule(handlers, enqueue);
    onRepositoryRuleset(handlers, enqueue, queueLooks);
    onInstallation(handlers, enqueue, queueLooks);
    await engine.start(jobs.run);
  };
  const recoverMissedDeliveries = async (since: Date) => redeliverMissed(await appAuth(), { since, events: handledEvents });
  const reconcile = reconcileSweep({
    appId: options.appId,
    appClient: appAuth,
    installationClient: async (id) => (await loaded().probot.auth(id)) as GitHub,
    submit: (target, origin) => loaded().jobs.submitPullRequest(target, origin),
    log: () => loaded().probot.log.child({ name: "reconcile" }),
  });
  const sweepProtection = async () => {
    if (!queueLooks) throw new Error("the app is not loaded yet");
    return queueLooks({ delivery: `protection-sweep:${Date.now()}`, trigger: { what: "sweep", lost: [] } });
  };
  return {
    appFn,
    queue: () => loaded().engine,
    recoverMissedDeliveries,
    reconcile,
    sweeps: () => [
      missedDeliverySweep(recoverMissedDeliveries, loaded().probot.log, (options.redeliveryIntervalMinutes ?? 10) * 60_000),
      ...(options.reconcileIntervalMinutes === "off" ? [] : [{ name: "reconcile", intervalMs: (options.reconcileIntervalMinutes ?? 10) * 60_000, run: async () => void (await reconcile()) }]),
      ...((options.protectionSweepMinutes ?? 60) > 0 ? [{ name: "branch-protection", intervalMs: (options.protectionSweepMinutes ?? 60) * 60_000, run: async () => void (await sweepProtection()) }] : []),
    ],
    sweepProtection,
  };
}

/**
 * The Probot app as handlers see it, except that each handler's webhook is answered only after the
 * jobs it asked for are accepted: with Redis, stored; if that fails, the webhook gets a 5xx and GitHub
 * shows the delivery as failed (and the missed-delivery sweep asks for it again).
 */
function answeringAfterAccepted(app: Probot, jobs: Jobs): Probot {
  const on = (events: Parameters<Probot["on"]>[0], handler: (context: object) => Promise<void>) =>
    app.on(events, async (context: object) => {
      await handler(context);
      await jobs.settled(context);
    });
  return new Proxy(app, {
    get(target, property) {
      if (property === "on") return on;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
