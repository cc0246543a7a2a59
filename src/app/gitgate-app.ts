import type { ApplicationFunction, Probot } from "probot";
import { onCheckRun } from "./handlers/check-run.js";
import { onCheckSuite } from "./handlers/check-suite.js";
import { onMergeGroup } from "./handlers/merge-group.js";
import { onPullRequest } from "./handlers/pull-request.js";
import { onPush } from "./handlers/push.js";
import { onPullRequestReview } from "./handlers/pull-request-review.js";
import { onBranchProtectionRule } from "./handlers/branch-protection-rule.js";
import { onRepositoryRuleset } from "./handlers/repository-ruleset.js";
import { onInstallation } from "./handlers/installation.js";
import { queueProtectionLooks, type InstallationAuth } from "./protection-sweep.js";
import { createEnqueue, type JobOptions } from "./job-factory.js";
import { WorkQueue } from "./work-queue.js";
import type { GitHub } from "../github/github-types.js";
import { redeliverMissed } from "../github/redeliver-missed.js";

export interface GitgateApp {
  appFn: ApplicationFunction;
  /** Resolves once the app is loaded and its queue exists. */
  queue: () => WorkQueue;
  /** Asks GitHub to redeliver webhooks Gitgate needs that never succeeded since `since`. */
  recoverMissedDeliveries: (since: Date) => Promise<string[]>;
  /** Queues a look at the branch protection of every installed repository; returns how many. */
  sweepProtection: () => Promise<number>;
}

/** The events Gitgate acts on: the ones worth recovering when a delivery was missed. */
export const handledEvents = new Set(["pull_request", "pull_request_review", "check_suite", "check_run", "merge_group", "push", "branch_protection_rule", "repository_ruleset", "installation", "installation_repositories"]);

export interface GitgateAppOptions extends JobOptions {
  concurrency?: number;
  maxPending?: number;
  onQueueDepth?: (depth: number) => void;
}

/**
 * The Probot app: each handler only turns its event into a job and returns, so the webhook is
 * answered as soon as its signature is verified; the work runs in the queue.
 */
export function createGitgateApp(options: GitgateAppOptions): GitgateApp {
  let queue: WorkQueue | undefined;
  let probot: Probot | undefined;
  let queueLooks: ((request: Parameters<typeof queueProtectionLooks>[3]) => Promise<number>) | undefined;
  const appFn: ApplicationFunction = (app: Probot) => {
    probot = app;
    queue = new WorkQueue({
      concurrency: options.concurrency ?? 4,
      maxPending: options.maxPending ?? 10_000,
      log: app.log.child({ name: "queue" }),
      ...(options.onQueueDepth ? { onDepth: options.onQueueDepth } : {}),
    });
    const enqueue = createEnqueue(app, queue, options);
    onPullRequest(app, enqueue);
    onCheckSuite(app, enqueue);
    onCheckRun(app, enqueue);
    onMergeGroup(app, enqueue);
    onPush(app, enqueue);
    onPullRequestReview(app, enqueue);
    const auth: InstallationAuth = { asApp: async () => (await app.auth()) as GitHub, asInstallation: async (id) => (await app.auth(id)) as GitHub };
    queueLooks = (request) => queueProtectionLooks(auth, enqueue, app.log.child({ name: "protection" }), request);
    onBranchProtectionRule(app, enqueue);
    onRepositoryRuleset(app, enqueue, queueLooks);
    onInstallation(app, enqueue, queueLooks);
  };
  return {
    appFn,
    queue: () => {
      if (!queue) throw new Error("the app is not loaded yet");
      return queue;
    },
    recoverMissedDeliveries: async (since) => {
      if (!probot) throw new Error("the app is not loaded yet");
      return redeliverMissed((await probot.auth()) as GitHub, { since, events: handledEvents });
    },
    sweepProtection: async () => {
      if (!queueLooks) throw new Error("the app is not loaded yet");
      return queueLooks({ delivery: `protection-sweep:${Date.now()}`, trigger: { what: "sweep", lost: [] } });
    },
  };
}
