import type { Probot } from "probot";
import type { Enqueue } from "../job-factory.js";
import { safely } from "./safely.js";

/**
 * A review was submitted, edited or dismissed: approvals are decided again from the reviews as they
 * are now (never from this payload, which may arrive out of order), without re-running validation.
 */
export function onPullRequestReview(app: Probot, enqueue: Enqueue): void {
  app.on(["pull_request_review.submitted", "pull_request_review.edited", "pull_request_review.dismissed"], safely((context) => {
    enqueue.reviews(context, context.payload.pull_request.number);
  }));
}
