import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { FakeCheckRun } from "../fake-github/fake-state.js";
import { fakeProtectionOf } from "../fake-github/fake-protection.js";
import { runGit } from "../git/run-git.js";
import { revertBranchPrefix } from "../github/open-revert-pull.js";
import { demoTarget, type DemoWorld } from "./demo-world.js";
import { examplePayload } from "./example-payload.js";
import { sendWebhook } from "./send-webhook.js";
import { waitForCheck } from "./wait-for-verdict.js";

const identity = ["-c", "user.name=Gitgate Example", "-c", "user.email=example@gitgate.invalid", "-c", "commit.gpgsign=false"];

/** What the guard made of one way around the PR process. */
export interface GuardScene {
  title: string;
  /** The commit that landed on main, with its gitgate/guard check run. */
  commit: string;
  guardRun: FakeCheckRun;
  issue?: { number: number; title: string; body: string };
  revert?: { number: number; title: string };
  requests: number;
  seconds: number;
}

/**
 * The guard's half of the demo, after the PRs: someone pushes straight to main, then an admin merges
 * a PR whose gitgate/validate failed. Each lands on main as GitHub would report it (the same webhooks),
 * and the guard answers with a failing gitgate/guard on the commit, an incident issue and a revert PR
 * (the example config asks for all three).
 */
/** The day the guard's scenes happen on. */
export const guardDay = "2026-01-02T00:00:00Z";

export async function replayGuard(world: DemoWorld, serverUrl: string): Promise<GuardScene[]> {
  // A day after the sample's history (its commits are dated 2026-01-01), so that the audit evidence of
  // that day holds the two bypasses and nothing else; fixed, as the example's, so shas are stable.
  Object.assign(process.env, { GIT_AUTHOR_DATE: guardDay, GIT_COMMITTER_DATE: guardDay });
  const webhooks = `${serverUrl}/api/github/webhooks`;
  const git = async (...args: string[]) => (await runGit(world.example.dir, [...identity, ...args])).toString().trim();
  const send = async (event: string, action: string | undefined, patch: (p: Record<string, any>) => void) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const status = await sendWebhook(webhooks, world.webhookSecret, event, examplePayload(event, action, demoTarget, (p) => {
      p.repository.default_branch = "main";
      patch(p);
    }));
    if (status !== 200) throw new Error(`the ${event} webhook was answered ${status}`);
  };
  const push = (before: string, after: string, pusher: string, paths: string[]) =>
    send("push", undefined, (p) => {
      Object.assign(p, { ref: "refs/heads/main", before, after, created: false, deleted: false, forced: false });
      p.sender = { ...p.sender, login: pusher };
      p.commits = [{ id: after, added: [], modified: paths, removed: [] }];
    });
  const scene = async (title: string, land: () => Promise<string>): Promise<GuardScene> => {
    const before = world.fake.apiRequests.length;
    const issuesBefore = new Set(fakeProtectionOf(world.repo).issues.map((i) => i.number));
    const pullsBefore = new Set(world.repo.pulls.keys());
    const started = performance.now();
    const commit = await land();
    const guardRun = await waitForCheck(world.repo, commit, "gitgate/guard");
    // The incident's issue and revert PR are the new ones (they name the first bypassing commit).
    const issue = await waitFor(() => fakeProtectionOf(world.repo).issues.find((i) => !issuesBefore.has(i.number)));
    const revert = await waitFor(() => [...world.repo.pulls.values()].find((p) => !pullsBefore.has(p.number) && p.headRef.startsWith(revertBranchPrefix)));
    return {
      title, commit, guardRun,
      ...(issue ? { issue: { number: issue.number, title: issue.title, body: issue.body } } : {}),
      ...(revert ? { revert: { number: revert.number, title: revert.title } } : {}),
      requests: world.fake.apiRequests.length - before,
      seconds: (performance.now() - started) / 1000,
    };
  };
  const scenes: GuardScene[] = [];

  scenes.push(await scene("A direct push to main (no pull request)", async () => {
    const before = await git("rev-parse", "main");
    await git("checkout", "-q", "main");
    const path = "clusters/production/hotfix.yaml";
    await mkdir(dirname(join(world.example.dir, path)), { recursive: true });
    await writeFile(join(world.example.dir, path), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hotfix\n  namespace: production\ndata:\n  mode: quick\n");
    await git("add", "-A");
    await git("commit", "-q", "-m", "hotfix straight to main");
    const after = await git("rev-parse", "main");
    await push(before, after, "mallory", [path]);
    return after;
  }));

  // The first PR the example expects to fail, merged by an admin past its failing gitgate/validate.
  const failing = world.prs.find((pr) => pr.expected.validate === "failure");
  if (failing) {
    scenes.push(await scene(`An admin merge of PR #${failing.number} past its failing gitgate/validate`, async () => {
      const pr = world.repo.pulls.get(failing.number)!;
      const before = await git("rev-parse", "main");
      const headSha = await git("rev-parse", failing.name);
      await git("checkout", "-q", "main");
      await git("merge", "-q", "--no-ff", "-m", `Merge pull request #${failing.number} from ${failing.name}`, failing.name);
      const after = await git("rev-parse", "main");
      // Merged with the button (an admin may merge past required checks): GitHub's own merge commit.
      world.repo.madeByGitHub.add(after);
      pr.state = "closed";
      pr.merged = { mergeCommitSha: after, headSha, baseSha: before, landed: [after], mergedBy: "ada", mergedAt: guardDay };
      await send("pull_request", "closed", (p) => {
        p.number = failing.number;
        Object.assign(p.pull_request, { number: failing.number, title: failing.title, merged: true, merge_commit_sha: after, state: "closed" });
        p.pull_request.head = { ...p.pull_request.head, sha: headSha, ref: failing.name };
        p.pull_request.base = { ...p.pull_request.base, sha: before, ref: "main" };
        p.pull_request.merged_by = { ...(p.pull_request.merged_by ?? p.sender), login: "ada" };
      });
      await push(before, after, "ada", []);
      return after;
    }));
  }
  return scenes;
}

async function waitFor<T>(find: () => T | undefined, timeoutMs = 30_000): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
