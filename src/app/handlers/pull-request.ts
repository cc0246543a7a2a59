import type { Probot } from "probot";
import type { Enqueue } from "../job-factory.js";
import { safely } from "./safely.js";

/**
 * New code to judge: opened, pushed to, reopened, out of draft, or retargeted to another base
 * (everything is re-evaluated against the new base's control plane).
 */
export function onPullRequest(app: Probot, enqueue: Enqueue): void {
  app.on(["pull_request.opened", "pull_request.synchronize", "pull_request.reopened", "pull_request.ready_for_review"], safely((context) => {
    enqueue.pullRequest(context, context.payload.pull_request.number);
  }));
  app.on("pull_request.edited", safely((context) => {
    if (context.payload.changes.base) enqueue.pullRequest(context, context.payload.pull_request.number);
  }));
}
