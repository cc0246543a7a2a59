import { describe, expect, it } from "vitest";
import { guardState } from "../../src/fake-github/fake-guard-routes.js";
import { createTestRepo } from "../support/git-repo.js";
import { examplePayload, startApp } from "../support/app-harness.js";
import { guardFlow } from "../support/guard-flow.js";
import { mergePull } from "../support/merge-pull.js";

// main asks for two approvals; the sandbox branch, whose config anyone can make, asks for none.
const mainConfig = "version: 1\nfiles: ['**/*.yaml']\nprotect:\n  branches: [main]\napprovals:\n  rules: [{ name: default, count: 2 }]\n";
const sandboxConfig = "version: 1\nfiles: ['**/*.yaml']\napprovals:\n  rules: [{ name: default, count: 0 }]\n";

describe("gitgate/guard and a pull request retargeted away and back", () => {
  it("verdicts decided into another base do not vouch for the merge into main: an incident", async () => {
    const repo = await createTestRepo({ ".github/gitgate.yml": mainConfig, "a.yaml": "a: 1\n" });
    await repo.branch("sandbox", "main", { ".github/gitgate.yml": sandboxConfig });
    await repo.branch("feature", "main", { "a.yaml": "a: evil\n" });
    const app = await startApp(repo.dir);
    // One example payload serves every action: the App re-reads the pull request, not the payload.
    const deliverPr = async (action: string, patch: (p: Record<string, any>) => void = () => undefined) => {
      expect(await app.deliver("pull_request", examplePayload("pull_request", "opened", (p) => { p.number = 1; p.pull_request.number = 1; p.action = action; patch(p); }))).toBe(200);
      await app.queue.onIdle();
    };
    try {
      app.fake.openPullRequest(app.repo, { number: 1, title: "into main", author: "dev", headRef: "feature", baseRef: "main" });
      await deliverPr("opened");
      const head = await repo.sha("feature");
      const onHead = (name: string) => app.repo.checkRuns.find((r) => r.name === name && r.head_sha === head)!;
      expect(onHead("gitgate/approval").conclusion).toBe("action_required");
      // Retargeted to sandbox: both verdicts on the head are decided again, there, and pass.
      app.repo.pulls.get(1)!.baseRef = "sandbox";
      await deliverPr("edited", (p) => { p.changes = { base: { ref: { from: "main" }, sha: { from: "0".repeat(40) } } }; });
      expect([onHead("gitgate/validate").conclusion, onHead("gitgate/approval").conclusion]).toEqual(["success", "success"]);
      // Retargeted back to main and squash-merged before Gitgate handles that "edited" webhook.
      app.repo.pulls.get(1)!.baseRef = "main";
      const { before, after } = await mergePull(repo, app.repo, 1, "squash");
      await guardFlow(app, repo).push(before, after);
      const guard = app.repo.checkRuns.filter((r) => r.name === "gitgate/guard" && r.head_sha === after);
      expect(guard).toHaveLength(1);
      expect(guard[0]).toMatchObject({ conclusion: "failure" });
      const decidedElsewhere = (check: string) => `pull request #1 was merged into main with ${check} passed on its merged head ${head.slice(0, 12)} only by a verdict decided for pull request #1 into another base, not for #1 into main`;
      expect(guard[0]!.output.title).toBe(`Bypass: ${decidedElsewhere("gitgate/validate")}`);
      const incidents = guardState(app.repo).issues;
      expect(incidents).toHaveLength(1);
      // The issue lists both checks' reasons (its Markdown escapes them).
      expect(incidents[0]!.body).toContain(`with gitgate\\/approval passed on its merged head ${head.slice(0, 12)} only by a verdict decided for pull request \\#1 into another base`);
    } finally {
      await app.close();
      await repo.remove();
    }
  }, 60000);
});
