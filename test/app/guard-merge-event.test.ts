import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { pino } from "pino";
import { guardState } from "../../src/fake-github/fake-guard-routes.js";
import { runGit } from "../../src/git/run-git.js";
import { MemoryEngine } from "../../src/queue/memory-engine.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { examplePayload, startApp, type AppHarness } from "../support/app-harness.js";
import { guardFlow } from "../support/guard-flow.js";

// GitHub reports a merged pull request twice: `pull_request.closed` names the commit that landed it,
// and the push names every commit the branch gained. Only the push tells what else came with the merge.
const config = `version: 1
schemas:
  - files: "apps/*/values.yaml"
    schema: schemas/values.schema.json
protect:
  on_bypass: [check, issue]
`;
const schema = JSON.stringify({ type: "object", properties: { replicas: { type: "integer" } } });
const identity = ["-c", "user.name=Admin", "-c", "user.email=admin@example.invalid", "-c", "commit.gpgsign=false"];

let repo: TestRepo;
let app: AppHarness;
afterEach(async () => {
  await app.close();
  await repo.remove();
});

it("a commit pushed with the merge of a reviewed pull request is an incident, whichever event is handled first", async () => {
  repo = await createTestRepo({ ".github/gitgate.yml": config, "schemas/values.schema.json": schema, "apps/web/values.yaml": "replicas: 1\n", "README.md": "hello\n" });
  // One job at a time, so that both events wait behind another job, as they do on a busy server.
  app = await startApp(repo.dir, { engine: new MemoryEngine({ concurrency: 1, maxPending: 100, log: pino({ level: "silent" }) }) });
  app.repo.writers.add("alice");
  const flow = guardFlow(app, repo);
  const number = await flow.openPr([{ "README.md": "reviewed\n" }]);
  const head = await repo.sha(`pr-${number}`);
  const before = await repo.sha("main");
  // An admin commits straight onto main, merges the green pull request locally and pushes both.
  await repo.commit("main", { "apps/web/values.yaml": "replicas: 99\n" });
  const direct = await repo.sha("main");
  await runGit(repo.dir, [...identity, "checkout", "-q", "main"]);
  await runGit(repo.dir, [...identity, "merge", "-q", "--no-ff", "-m", `Merge pull request #${number}`, `pr-${number}`]);
  const merge = await repo.sha("main");
  const pr = app.repo.pulls.get(number)!;
  pr.state = "closed";
  pr.merged = { mergeCommitSha: merge, headSha: head, baseSha: before, landed: [merge], mergedBy: "admin", mergedAt: new Date().toISOString() };

  await app.deliver("pull_request", examplePayload("pull_request", "synchronize", (p) => {
    p.number = 77;
    p.pull_request.number = 77;
  }));
  await app.deliver("push", examplePayload("push", undefined, (p) => {
    Object.assign(p, { ref: "refs/heads/main", before, after: merge, created: false, deleted: false, forced: false });
    p.repository.default_branch = "main";
    p.sender = { ...p.sender, login: "admin" };
    p.commits = [direct, head, merge].map((id) => ({ id, added: [], modified: [], removed: [] }));
  }));
  await app.deliver("pull_request", examplePayload("pull_request", "closed", (p) => {
    p.number = number;
    p.pull_request.number = number;
    p.repository.default_branch = "main";
    Object.assign(p.pull_request, { merged: true, merge_commit_sha: merge });
    Object.assign(p.pull_request.base, { ref: "main", sha: before });
    p.pull_request.head.sha = head;
  }));
  await app.queue.onIdle();

  const guard = (sha: string) => app.repo.checkRuns.filter((r) => r.name === "gitgate/guard" && r.head_sha === sha);
  expect(guard(direct)).toMatchObject([{ conclusion: "failure", output: { title: "Bypass: no pull request merged into main brought this commit: it was pushed directly" } }]);
  expect(guard(merge)).toMatchObject([{ conclusion: "success" }]);
  expect(guardState(app.repo).issues).toHaveLength(1);
});

it("a pull request merged outside GitHub passes as it merged, and is an incident when its merge commit carries changes of its own", async () => {
  repo = await createTestRepo({ ".github/gitgate.yml": config, "schemas/values.schema.json": schema, "apps/web/values.yaml": "replicas: 1\n", "README.md": "hello\n" });
  app = await startApp(repo.dir);
  app.repo.writers.add("alice");
  const flow = guardFlow(app, repo);
  const git = (...args: string[]) => runGit(repo.dir, [...identity, ...args]);
  // An admin merges a green pull request on their machine and pushes the merge (GitHub then marks it merged).
  const mergeLocally = async (number: number, edit?: Record<string, string>) => {
    const before = await repo.sha("main");
    const head = await repo.sha(`pr-${number}`);
    await git("checkout", "-q", "main");
    await git("merge", "-q", "--no-ff", "-m", `Merge pull request #${number}`, `pr-${number}`);
    if (edit) {
      for (const [path, content] of Object.entries(edit)) await writeFile(join(repo.dir, path), content);
      await git("add", "-A");
      await git("commit", "-q", "--amend", "--no-edit");
    }
    const merge = await repo.sha("main");
    const pr = app.repo.pulls.get(number)!;
    pr.state = "closed";
    pr.merged = { mergeCommitSha: merge, headSha: head, baseSha: before, landed: [merge], mergedBy: "admin", mergedAt: new Date().toISOString() };
    await flow.push(before, merge, { sender: "admin" });
    return merge;
  };
  const guard = (sha: string) => app.repo.checkRuns.filter((r) => r.name === "gitgate/guard" && r.head_sha === sha);

  const clean = await mergeLocally(await flow.openPr([{ "apps/web/values.yaml": "replicas: 2\n" }]));
  expect(guard(clean)).toMatchObject([{ conclusion: "success" }]);
  expect(guardState(app.repo).issues).toHaveLength(0);

  const number = await flow.openPr([{ "README.md": "reviewed\n" }]);
  const edited = await mergeLocally(number, { "apps/web/values.yaml": "replicas: 99\n" });
  expect(guard(edited)).toMatchObject([{ conclusion: "failure", output: { title: `Bypass: the commit that landed pull request #${number} leaves apps/web/values.yaml otherwise than merging its head into main does` } }]);
  expect(guardState(app.repo).issues).toHaveLength(1);
});

it("passes GitHub's merge of a pull request that renames a file the branch changed meanwhile", async () => {
  const values = (replicas: number) => `replicas: ${replicas}\n# the web app's values\n# kept in one file\n# per app\n`;
  repo = await createTestRepo({ ".github/gitgate.yml": config, "schemas/values.schema.json": schema, "apps/web/values.yaml": values(1), "README.md": "hello\n" });
  app = await startApp(repo.dir);
  app.repo.writers.add("alice");
  const flow = guardFlow(app, repo);
  const number = await flow.openPr([{ "apps/web/values.yaml": null, "apps/site/values.yaml": values(1) }]);
  // main changes the file the pull request moves, through a pull request of its own.
  const edit = await flow.openPr([{ "apps/web/values.yaml": values(2) }]);
  await flow.merge(edit, "merge");
  const { after } = await flow.merge(number, "merge");
  expect(await runGit(repo.dir, ["show", `${after}:apps/site/values.yaml`]).then(String)).toBe(values(2));
  expect(app.repo.checkRuns.filter((r) => r.name === "gitgate/guard" && r.head_sha === after)).toMatchObject([{ conclusion: "success" }]);
  expect(guardState(app.repo).issues).toEqual([]);
});
