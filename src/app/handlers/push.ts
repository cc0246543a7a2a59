import type { Probot } from "probot";
import type { Enqueue } from "../job-factory.js";
import { safely } from "./safely.js";

/**
 * A push to a branch: if it changed that branch's control plane, every open PR targeting the branch
 * is judged again by the new rules (which paths are control plane is decided by the job, which reads
 * the config; here only the pushed paths are collected). The guard verifies where the new commits came
 * from, if the branch is one it protects (the job reads the config to know); deleting such a branch is
 * an incident. Tags bring nothing to verify.
 */
export function onPush(app: Probot, enqueue: Enqueue): void {
  app.on("push", safely((context) => {
    const { ref, before, after, created, deleted, commits, repository, sender, compare } = context.payload;
    if (!ref.startsWith("refs/heads/")) return;
    const branch = ref.slice("refs/heads/".length);
    if (deleted) {
      enqueue.guard(context, { kind: "deletion", deletion: { branch, tip: before, defaultBranch: repository.default_branch, actor: sender?.login } });
      return;
    }
    const paths = new Set<string>();
    for (const commit of commits) for (const path of [...(commit.added ?? []), ...(commit.modified ?? []), ...(commit.removed ?? [])]) paths.add(path);
    // A push payload lists at most 2,048 commits: past that, assume the control plane changed.
    const complete = commits.length < 2048;
    enqueue.baseBranchPush(context, { branch, sha: after, paths: [...paths], complete });
    enqueue.guard(context, {
      kind: "push",
      push: { branch, before: created ? undefined : before, after, defaultBranch: repository.default_branch, actor: sender?.login, ...(compare ? { compareUrl: compare } : {}) },
    });
  }));
}
