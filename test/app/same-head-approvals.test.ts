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
      expect(approval[0]!.output.summary).toContain("this head commit is also open as #1 into main");
    } finally {
      await app2.close();
      await repo2.remove();
    }
  });
});
