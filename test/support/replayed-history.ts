import { execFileSync } from "node:child_process";
import { afterAll, beforeAll } from "vitest";
import { main } from "../../src/cli/main.js";
import { serveFakeGitHub } from "../../src/fake-github/http-server.js";
import { createTestRepo, type TestRepo } from "./git-repo.js";
import { startApp, type AppHarness } from "./app-harness.js";
import { guardFlow } from "./guard-flow.js";

const config = `version: 1
schemas:
  - files: "apps/*/values.yaml"
    schema: schemas/values.schema.json
approvals:
  rules:
    - name: review
      count: 1
`;

/** A title a pull request's author controls, shaped to forge Markdown in whatever prints it. */
export const hostileTitle = "# Approved by the CISO [see](https://evil.example) | forged | row";

export interface ReplayedHistory {
  repo: TestRepo;
  app: AppHarness;
  http: Awaited<ReturnType<typeof serveFakeGitHub>>;
  /** root (old history), feature and merge (#1, approved, merged), direct (a push), badHead and adminSquash (#2, merged past a failing check). */
  shas: Record<"root" | "feature" | "merge" | "direct" | "badHead" | "adminSquash", string>;
  close(): Promise<void>;
}

/**
 * A branch's history as the real App saw it happen, served over HTTP by the fake GitHub for the CLI's
 * `guard` and `evidence`: pull request #1 approved by alice (bob approved, then asked for changes) and
 * merged, then approved by carol; a direct push to main; pull request #2 (a hostile title) merged past its failing validation.
 */
export async function replayedHistory(): Promise<ReplayedHistory> {
  const repo = await createTestRepo({ ".github/gitgate.yml": config, "schemas/values.schema.json": JSON.stringify({ type: "object", properties: { replicas: { type: "integer" } } }), "apps/web/values.yaml": "replicas: 1\n" });
  // The repository's first commit is old history, before the default 30 days the CLI replays.
  const old = "2020-01-01T00:00:00Z";
  execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@gitgate.invalid", "commit", "-q", "--amend", "--no-edit", `--date=${old}`], { cwd: repo.dir, env: { ...process.env, GIT_COMMITTER_DATE: old } });
  const root = await repo.sha("main");
  const app = await startApp(repo.dir);
  app.repo.writers.add("alice");
  app.repo.writers.add("bob");
  const flow = guardFlow(app, repo);
  const good = await flow.openPr([{ "apps/web/values.yaml": "replicas: 2\n" }]);
  const feature = await repo.sha(`pr-${good}`);
  await app.fake.submitReview(app.repo, { pullNumber: good, user: "bob", state: "APPROVED" });
  await app.fake.submitReview(app.repo, { pullNumber: good, user: "bob", state: "CHANGES_REQUESTED" });
  const merge = (await flow.merge(good, "merge")).after;
  // carol approves after the merge: that approved nothing that landed.
  const late = await app.fake.submitReview(app.repo, { pullNumber: good, user: "carol", state: "APPROVED", commitId: feature });
  late.submittedAt = new Date(Date.parse(app.repo.pulls.get(good)!.merged!.mergedAt) + 60_000).toISOString();
  const beforeDirect = await repo.sha("main");
  await repo.commit("main", { "apps/web/values.yaml": "replicas: 9\n", "apps/api/values.yaml": "replicas: 3\n" });
  const direct = await repo.sha("main");
  app.fake.recordPush(app.repo, { branch: "main", actor: "mallory", before: beforeDirect, after: direct });
  const bad = await flow.openPr([{ "apps/web/values.yaml": "replicas: nine\n" }]);
  app.repo.pulls.get(bad)!.title = hostileTitle;
  const badHead = await repo.sha(`pr-${bad}`);
  const adminSquash = (await flow.merge(bad, "squash")).after;
  const http = await serveFakeGitHub(app.fake);
  return {
    repo, app, http,
    shas: { root, feature, merge, direct, badHead, adminSquash },
    async close() {
      await http.close();
      await app.close();
      await repo.remove();
    },
  };
}

/**
 * The history for a test file: built before its tests (its `shas` object is filled in then, so it may
 * be taken apart at once), closed after them.
 */
export function useReplayedHistory(): ReplayedHistory {
  const history = { shas: {} } as ReplayedHistory;
  beforeAll(async () => {
    const built = await replayedHistory();
    Object.assign(history, { ...built, shas: Object.assign(history.shas, built.shas) });
  }, 120_000);
  afterAll(() => history.close?.());
  return history;
}

/** Runs the CLI in-process against the history's fake GitHub (or `env`); what it printed and its exit status. */
export async function runAgainst(history: ReplayedHistory, args: string[], env: Record<string, string> = { GITHUB_TOKEN: "ghp_test", GITHUB_API_URL: `${history.http.url}/api/v3` }) {
  let stdout = "";
  let stderr = "";
  const status = await main(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } }, env);
  return { status, stdout, stderr };
}
