import type { ApplicationFunction, Probot } from "probot";
import { onCheckRun } from "./handlers/check-run.js";
import { onCheckSuite } from "./handlers/check-suite.js";
import { onMergeGroup } from "./handlers/merge-group.js";
import { onPullRequest } from "./handlers/pull-request.js";
import { onPush } from "./handlers/push.js";
import { createEnqueue, type JobOptions } from "./job-factory.js";
import { WorkQueue } from "./work-queue.js";

export interface GitgateApp {
  appFn: ApplicationFunction;
  /** Resolves once the app is loaded and its queue exists. */
  queue: () => WorkQueue;
}

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
  const appFn: ApplicationFunction = (app: Probot) => {
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
  };
  return {
    appFn,
    queue: () => {
      if (!queue) throw new Error("the app is not loaded yet");
      return queue;
    },
  };
}
