import { expect } from "vitest";
import { runGit } from "../../src/git/run-git.js";
import { examplePayload, type AppHarness } from "./app-harness.js";
import type { TestRepo } from "./git-repo.js";
import { mergePull, type MergeMethod } from "./merge-pull.js";

/**
 * A pull request's life as GitHub reports it to the App (opened, reviewed, merged by any method, the
 * push that follows), and pushes to a branch: the guard's tests play GitHub with these.
 */
export function guardFlow(app: AppHarness, repo: TestRepo) {
  let next = 1;
  async function deliver(event: string, action: string | undefined, patch: (p: Record<string, any>) => void, id?: string): Promise<void> {
    expect(await app.deliver(event, examplePayload(event, action, patch), id ? { id } : {})).toBe(200);
    await app.queue.onIdle();
  }

  async function prEvent(action: string, number: number, patch: (p: Record<string, any>) => void = () => undefined) {
    await deliver("pull_request", action, (p) => {
      p.number = number;
      p.pull_request.number = number;
      p.repository.default_branch = "main";
      patch(p);
    });
  }

  async function approve(number: number) {
    await app.fake.submitReview(app.repo, { pullNumber: number, user: "alice", state: "APPROVED" });
    await deliver("pull_request_review", "submitted", (p) => {
      p.number = number;
      p.pull_request.number = number;
    });
  }

  /** A PR off main with one commit per entry of `commits`, opened and evaluated, and approved by alice. */
  async function openPr(commits: Record<string, string | null>[]): Promise<number> {
    const number = next++;
    await repo.branch(`pr-${number}`, "main", commits[0]!);
    for (const files of commits.slice(1)) await repo.commit(`pr-${number}`, files);
    app.fake.openPullRequest(app.repo, { number, title: `change ${number}`, author: "dev", headRef: `pr-${number}`, baseRef: "main" });
    await prEvent("opened", number);
    await approve(number);
    return number;
  }

  /** A push to a branch as GitHub reports it (the pusher is mallory unless told). */
  async function push(before: string, after: string, options: { id?: string; sender?: string; forced?: boolean; ref?: string } = {}) {
    const commits = (await runGit(repo.dir, ["rev-list", "--reverse", `${before}..${after}`])).toString().split("\n").filter(Boolean);
    await deliver("push", undefined, (p) => {
      p.ref = options.ref ?? "refs/heads/main";
      p.before = before;
      p.after = after;
      p.created = false;
      p.deleted = false;
      p.forced = options.forced ?? false;
      p.repository.default_branch = "main";
      p.sender = { ...p.sender, login: options.sender ?? "mallory" };
      p.commits = commits.map((id) => ({ id, added: [], modified: [], removed: [] }));
    }, options.id);
  }

  /** Merges by `method` and sends what GitHub sends: merge_group (queue), pull_request.closed, then the push. */
  async function merge(number: number, method: MergeMethod, beforePush: () => void = () => undefined) {
    const merged = await mergePull(repo, app.repo, number, method, {
      beforeLanding: async (head, ref, base) => {
        await deliver("merge_group", "checks_requested", (p) => {
          p.merge_group.head_sha = head;
          p.merge_group.head_ref = `refs/heads/${ref}`;
          p.merge_group.base_sha = base;
          p.merge_group.base_ref = "refs/heads/main";
        });
      },
    });
    const pr = app.repo.pulls.get(number)!;
    await prEvent("closed", number, (p) => {
      p.pull_request.merged = true;
      p.pull_request.merge_commit_sha = merged.after;
      p.pull_request.merged_by = { ...p.pull_request.user, login: "maintainer" };
      p.pull_request.base.ref = "main";
      p.pull_request.base.sha = merged.before;
      p.pull_request.head.sha = pr.merged!.headSha;
    });
    beforePush();
    await push(merged.before, merged.after, { sender: "maintainer" });
    return merged;
  }

  return { deliver, prEvent, approve, openPr, push, merge, setNext: (n: number) => (next = n) };
}
