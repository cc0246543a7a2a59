import type { Probot } from "probot";
import type { Enqueue } from "../job-factory.js";
import { safely } from "./safely.js";

/** A merge queue wants checks on the group it built. */
export function onMergeGroup(app: Probot, enqueue: Enqueue): void {
  app.on("merge_group.checks_requested", safely((context) => {
    const group = context.payload.merge_group;
    enqueue.mergeGroup(context, { headSha: group.head_sha, headRef: group.head_ref, baseSha: group.base_sha, baseRef: group.base_ref });
  }));
}
