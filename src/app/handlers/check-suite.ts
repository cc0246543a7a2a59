import type { Probot } from "probot";
import type { Enqueue } from "../job-factory.js";
import { safely } from "./safely.js";

/** GitHub asks for checks on a new commit, or someone asks to re-run all checks. */
export function onCheckSuite(app: Probot, enqueue: Enqueue): void {
  app.on(["check_suite.requested", "check_suite.rerequested"], safely((context) => {
    for (const pr of context.payload.check_suite.pull_requests) enqueue.pullRequest(context, pr.number);
  }));
}
