import { afterEach, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { appId, examplePayload, installationId, startApp, type AppHarness } from "../support/app-harness.js";

const config = "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\n";
const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "1"\n`;

let repos: TestRepo[] = [];
let app: AppHarness | undefined;
afterEach(async () => {
  await app?.close();
  for (const repo of repos) await repo.remove();
  app = undefined;
  repos = [];
});

const prEvent = (number: number) =>
  examplePayload("pull_request", "opened", (p) => {
    p.number = number;
    p.pull_request.number = number;
  });

describe("reconcile sweep", () => {
  it("judges open PRs whose head has no completed verdict, and only those", async () => {
    const repo = await createTestRepo({ ".github/gitgate.yml": config });
    repos.push(repo);
    for (const branch of ["judged", "lost", "stuck"]) await repo.branch(branch, "main", { [`k8s/${branch}.yaml`]: configMap(branch) });
    app = await startApp(repo.dir);
    ["judged", "lost", "stuck"].forEach((branch, i) => app!.fake.openPullRequest(app!.repo, { number: i + 1, title: branch, author: "dev", headRef: branch, baseRef: "main" }));
    // #1 was delivered and judged. #2's delivery was answered but its work was lost with the process.
    // #3's replica died after marking the check run in progress.
    await app.deliver("pull_request", prEvent(1));
    await app.queue.onIdle();
    const stuck = { id: 9001, appId, name: "gitgate/validate", head_sha: await repo.sha("stuck"), status: "in_progress", conclusion: null, output: { annotations: [] }, actions: [] };
    app.repo.checkRuns.push(stuck);
    const before = app.fake.apiRequests.length;

    expect(await app.reconcile()).toBe(2);
    await app.queue.onIdle();

    const verdicts = app.repo.checkRuns.map((r) => [r.head_sha, r.status, r.conclusion]);
    expect(verdicts).toEqual(expect.arrayContaining([
      [await repo.sha("judged"), "completed", "success"],
      [await repo.sha("lost"), "completed", "success"],
      [await repo.sha("stuck"), "completed", "success"],
    ]));
    // The stuck run is completed in place, not doubled; each PR has one sticky comment.
    expect(app.repo.checkRuns).toHaveLength(3);
    expect(app.repo.checkRuns.find((r) => r.id === stuck.id)).toMatchObject({ status: "completed" });
    expect(app.repo.comments.map((c) => c.issueNumber).sort()).toEqual([1, 2, 3]);
    // Finding them cost one query for the repository's open PRs (plus listing installations and repositories).
    const sweep = app.fake.apiRequests.slice(before, before + 3).map((r) => `${r.method} ${new URL(r.url, "http://x").pathname}`);
    expect(sweep).toEqual(["GET /app/installations", "GET /installation/repositories", "POST /graphql"]);

    // Nothing is left for the next sweep.
    expect(await app.reconcile()).toBe(0);
  });

  it("decides again an approval its validation left in progress (the approval job was lost with the process)", async () => {
    const approvals = `${config}approvals:\n  rules:\n    - name: review\n      count: 1\n`;
    const repo = await createTestRepo({ ".github/gitgate.yml": approvals });
    repos.push(repo);
    for (const branch of ["decided", "left"]) await repo.branch(branch, "main", { [`k8s/${branch}.yaml`]: configMap(branch) });
    app = await startApp(repo.dir);
    ["decided", "left"].forEach((branch, i) => app!.fake.openPullRequest(app!.repo, { number: i + 1, title: branch, author: "dev", headRef: branch, baseRef: "main" }));
    for (const number of [1, 2]) await app.deliver("pull_request", prEvent(number));
    await app.queue.onIdle();
    const approvalAt = async (branch: string) => {
      const head = await repo.sha(branch);
      return app!.repo.checkRuns.filter((r) => r.name === "gitgate/approval" && r.head_sha === head);
    };
    expect(await approvalAt("decided")).toMatchObject([{ status: "completed", conclusion: "action_required" }]);
    // #2's validation marked its approval in progress; the job that decides it never ran.
    const [left] = await approvalAt("left");
    Object.assign(left!, { status: "in_progress", output: { ...left!.output, title: "Deciding approvals" } });

    expect(await app.reconcile()).toBe(1);
    await app.queue.onIdle();
    expect(await approvalAt("left")).toMatchObject([{ id: left!.id, status: "completed", conclusion: "action_required", output: { title: "Waiting for 1 more (review)" } }]);
    expect(await app.reconcile()).toBe(0);
  });

  it("leaves ungoverned repositories alone", async () => {
    const governed = await createTestRepo({ ".github/gitgate.yml": config });
    const other = await createTestRepo({ "README.md": "# no gitgate here\n" });
    repos.push(governed, other);
    await other.branch("feature", "main", { "k8s/a.yaml": configMap("a") });
    app = await startApp(governed.dir);
    const plain = app.fake.addRepository("acme", "plain", other.dir, installationId);
    app.fake.openPullRequest(plain, { number: 1, title: "feature", author: "dev", headRef: "feature", baseRef: "main" });
    expect(await app.reconcile()).toBe(0);
    await app.queue.onIdle();
    expect(plain.checkRuns).toEqual([]);
  });
});
