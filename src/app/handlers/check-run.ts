import type { Probot } from "probot";
import { rerunAction } from "../../github/publish-check-run.js";
import type { Enqueue } from "../job-factory.js";
import { safely } from "./safely.js";

/** "Re-run" on Gitgate's check run, from the checks list or from the check run's own button. */
export function onCheckRun(app: Probot, enqueue: Enqueue): void {
  app.on(["check_run.rerequested", "check_run.requested_action"], safely((context) => {
    const run = context.payload.check_run;
    if (run.app?.id !== enqueue.appId) return;
    if (context.payload.action === "requested_action" && context.payload.requested_action?.identifier !== rerunAction.identifier) return;
    for (const pr of run.pull_requests) enqueue.pullRequest(context, pr.number);
  }));
}
