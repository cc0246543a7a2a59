import type { FakeRepository } from "../../src/fake-github/fake-state.js";
import { runGit } from "../../src/git/run-git.js";
import type { TestRepo } from "./git-repo.js";

export type MergeMethod = "merge" | "squash" | "rebase" | "queue";

const identity = ["-c", "user.name=Merger", "-c", "user.email=merger@gitgate.invalid", "-c", "commit.gpgsign=false"];

/**
 * Merges pull request `number` into its base the way GitHub does for each method, with real git in the
 * test repository (the fake GitHub serves the same repository): a merge commit, a squash commit,
 * rebased commits, or (queue) a merge-group head `gh-readonly-queue/<base>/pr-<n>-<head>` that the
 * base then fast-forwards to. Records the merge on the fake's pull request as GitHub would (closed,
 * merged, merge_commit_sha). `beforeLanding` runs after the group head exists and before the base
 * moves (the queue's checks). Returns the base's tip before and after.
 */
export async function mergePull(repo: TestRepo, fake: FakeRepository, number: number, method: MergeMethod, options: { mergedBy?: string; beforeLanding?: (groupHead: string, groupRef: string, baseSha: string) => Promise<void> } = {}): Promise<{ before: string; after: string; landed: string[] }> {
  const pr = fake.pulls.get(number)!;
  const git = (...args: string[]) => runGit(repo.dir, [...identity, ...args]).then((out) => out.toString().trim());
  const before = await repo.sha(pr.baseRef);
  const headSha = await repo.sha(pr.headRef);
  await git("checkout", "-q", pr.baseRef);
  try {
    if (method === "merge") await git("merge", "-q", "--no-ff", "-m", `Merge pull request #${number}`, pr.headRef);
    if (method === "squash" || method === "queue") {
      await git("merge", "-q", "--squash", pr.headRef);
      await git("commit", "-q", "-m", `${pr.title} (#${number})`);
    }
    if (method === "queue") {
      // The group head is built beside the base; the base moves only once the queue's checks passed.
      const group = await git("rev-parse", "HEAD");
      await git("reset", "-q", "--hard", before);
      const groupRef = `gh-readonly-queue/${pr.baseRef}/pr-${number}-${headSha}`;
      await git("update-ref", `refs/heads/${groupRef}`, group);
      await options.beforeLanding?.(group, groupRef, before);
      await git("merge", "-q", "--ff-only", group);
    }
    if (method === "rebase") {
      await git("checkout", "-q", "-B", `rebase-${number}`, pr.headRef);
      await git("rebase", "-q", "--force-rebase", pr.baseRef);
      const rebased = await git("rev-parse", "HEAD");
      await git("checkout", "-q", pr.baseRef);
      await git("merge", "-q", "--ff-only", rebased);
    }
  } finally {
    await git("checkout", "-q", "main");
  }
  const after = await repo.sha(pr.baseRef);
  const landed = (await git("rev-list", "--reverse", `${before}..${after}`)).split("\n").filter(Boolean);
  // GitHub signs the merge and squash commits it makes, not its rebased commits (nor, here, a queue's).
  if (method === "merge" || method === "squash") fake.madeByGitHub.add(after);
  pr.state = "closed";
  // A merge commit lands the branch's own commits with it; GitHub associates those through the PR.
  // Merged after every review given so far (the fake stamps reviews a second apart, ahead of the clock if need be).
  const reviewed = Math.max(0, ...fake.reviews.filter((r) => r.pullNumber === number).map((r) => Date.parse(r.submittedAt)));
  const mergedAt = new Date(Math.max(Date.now(), reviewed + 1000)).toISOString();
  pr.merged = { mergeCommitSha: after, headSha, baseSha: before, landed: method === "merge" ? [after] : landed, mergedBy: options.mergedBy ?? "maintainer", mergedAt };
  // GitHub's repository activity records the merge, timed by GitHub.
  fake.activities.push({ id: 900_000 + fake.activities.length, ref: `refs/heads/${pr.baseRef}`, activity_type: method === "queue" ? "merge_queue_merge" : "pr_merge", actor: pr.merged.mergedBy, before, after, timestamp: mergedAt });
  return { before, after, landed };
}
