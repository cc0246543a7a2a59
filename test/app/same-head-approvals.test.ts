import { describe, expect, it } from "vitest";
import { createTestRepo } from "../support/git-repo.js";
import { examplePayload, startApp } from "../support/app-harness.js";

// gitgate/approval belongs to the head commit, reviews to one pull request: a second PR with the same
// head into a laxer base must not make the commit look approved.
const strict = "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\n";
const lax = "version: 1\nfiles: ['nothing/**']\n";
const opened = (number: number) =>
  examplePayload("pull_request", "opened", (p) => {
    p.number = number;
    p.pull_request.number = number;
  });

describe("approvals of one head commit open into two bases", () => {
  it("fail closed: reviews of one pull request cannot pass the commit in another", async () => {
    const approvals = "approvals:\n  rules: [{ name: default, count: 1 }]\n";
    const repo2 = await createTestRepo({ ".github/gitgate.yml": `${strict}${approvals}`, "README.md": "x\n" });
    await repo2.branch("lax", "main", { ".github/gitgate.yml": `${lax}approvals:\n  rules: [{ name: default, count: 0 }]\n` });
    await repo2.branch("feature", "main", { "README.md": "y\n" });
    const sha = await repo2.sha("feature");
    const app2 = await startApp(repo2.dir);
    try {
      app2.fake.openPullRequest(app2.repo, { number: 1, title: "into main", author: "dev", headRef: "feature", baseRef: "main" });
      app2.fake.openPullRequest(app2.repo, { number: 2, title: "into lax", author: "dev", headRef: "feature", baseRef: "lax" });
      expect(await app2.deliver("pull_request", opened(2))).toBe(200);
      await app2.queue.onIdle();
      const approval = app2.repo.checkRuns.filter((r) => r.head_sha === sha && r.name === "gitgate/approval");
      expect(approval).toHaveLength(1);
      expect(approval[0]).toMatchObject({ status: "completed", conclusion: "failure" });
      expect(approval[0]!.output.summary).toContain("this head commit is also open as #1 into `main`");
    } finally {
      await app2.close();
      await repo2.remove();
    }
  });
});

// GitHub lists a commit's pull requests 25 at a time, most recently updated first: 25 closed ones of the
// same head, touched later, hid the open one into the lax base, and the reviews of one passed the commit.
describe("a head commit with more pull requests than Gitgate reads", () => {
  it("fails the approval check closed: another open one cannot be ruled out", async () => {
    const repo = await createTestRepo({ ".github/gitgate.yml": `${strict}approvals:\n  rules: [{ name: default, count: 0 }]\n`, "README.md": "x\n" });
    await repo.branch("feature", "main", { "README.md": "y\n" });
    const app = await startApp(repo.dir);
    try {
      app.fake.openPullRequest(app.repo, { number: 1, title: "into main", author: "dev", headRef: "feature", baseRef: "main" });
      for (let n = 2; n <= 27; n++) app.fake.openPullRequest(app.repo, { number: n, title: "closed", author: "dev", headRef: "feature", baseRef: "main", state: "closed" });
      expect(await app.deliver("pull_request", opened(1))).toBe(200);
      await app.queue.onIdle();
      const approval = app.repo.checkRuns.filter((r) => r.name === "gitgate/approval");
      expect(approval.map((r) => r.conclusion)).toEqual(["failure"]);
      expect((approval[0]!.output.summary ?? "").replace(/\\([!-/:-@[-`{-~])/g, "$1")).toContain("the head commit belongs to 27 pull requests; Gitgate reads 25, so another open one with this head");
    } finally {
      await app.close();
      await repo.remove();
    }
  });
});

describe("the governed-diff digest an approval of an older commit is carried over by", () => {
  it("is read for the pull request and base being decided, never one another pull request of the head recorded", async () => {
    const mainConfig = "version: 1\nfiles: ['**/*.yaml']\nprotect:\n  branches: [main]\napprovals:\n  rules: [{ name: default, count: 1 }]\n";
    // A branch whose config governs only a.yaml: a diff against it leaves b.yaml out.
    const sandboxConfig = "version: 1\nfiles: ['a.yaml']\napprovals:\n  rules: [{ name: default, count: 1 }]\n";
    const repo = await createTestRepo({ ".github/gitgate.yml": mainConfig, "a.yaml": "a: 1\n", "b.yaml": "b: 1\n" });
    await repo.branch("sandbox", "main", { ".github/gitgate.yml": sandboxConfig });
    await repo.branch("feature", "main", { "a.yaml": "a: 2\n" });
    const app = await startApp(repo.dir);
    const deliver = async (event: string, action: string, n: number) => {
      expect(await app.deliver(event, examplePayload(event, action, (p) => { p.number = n; p.pull_request.number = n; }))).toBe(200);
      await app.queue.onIdle();
    };
    const approvalOn = (sha: string) => app.repo.checkRuns.find((r) => r.name === "gitgate/approval" && r.head_sha === sha)!;
    try {
      app.repo.writers.add("alice");
      app.fake.openPullRequest(app.repo, { number: 1, title: "into main", author: "dev", headRef: "feature", baseRef: "main" });
      await deliver("pull_request", "opened", 1);
      await app.fake.submitReview(app.repo, { pullNumber: 1, user: "alice", state: "APPROVED" });
      await deliver("pull_request_review", "submitted", 1);
      expect(approvalOn(await repo.sha("feature")).conclusion).toBe("success");
      // An unreviewed governed change: alice's approval lapses.
      await repo.commit("feature", { "b.yaml": "b: evil\n" });
      await deliver("pull_request", "synchronize", 1);
      const head = await repo.sha("feature");
      expect(approvalOn(head).conclusion).toBe("action_required");
      // The same head opened into the sandbox (where its governed diff is the approved one), then closed.
      app.fake.openPullRequest(app.repo, { number: 2, title: "into sandbox", author: "dev", headRef: "feature", baseRef: "sandbox" });
      await deliver("pull_request", "opened", 2);
      app.repo.pulls.get(2)!.state = "closed";
      // Any review event on #1 decides it again.
      await app.fake.submitReview(app.repo, { pullNumber: 1, user: "mallory", state: "COMMENTED" });
      await deliver("pull_request_review", "submitted", 1);
      expect(approvalOn(head)).toMatchObject({ conclusion: "action_required", output: { title: "Waiting for 1 more (default)" } });
      expect(approvalOn(head).output.summary).toContain("Not counted: @alice (approved an older commit whose governed change differs");
    } finally {
      await app.close();
      await repo.remove();
    }
  }, 60000);
});
