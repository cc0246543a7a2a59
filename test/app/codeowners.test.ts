import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { examplePayload, startApp, type AppHarness } from "../support/app-harness.js";

// With `codeowners: true` the repository's CODEOWNERS decides who must approve: a change to it changes
// Gitgate's rules, like a change to the config.
const config = `version: 1
files: ["clusters/**"]
approvals:
  rules:
    - name: review
      files: "clusters/**"
      count: 1
  codeowners: true
  control_plane: { count: 1, teams: [admins] }
`;

let repo: TestRepo;
let app: AppHarness;
beforeAll(async () => {
  repo = await createTestRepo({ ".github/gitgate.yml": config, ".github/CODEOWNERS": "/clusters/production/ @erin\n", "clusters/production/api.yaml": "a: 1\n" });
});
afterAll(() => repo.remove());
beforeEach(async () => {
  app = await startApp(repo.dir);
  for (const login of ["bob", "erin"]) app.repo.writers.add(login);
  app.repo.teams.set("admins", ["erin"]);
});
afterEach(() => app.close());

it("needs the control-plane rule for a change to CODEOWNERS", async () => {
  await repo.branch("pr-1", "main", { ".github/CODEOWNERS": "* @bob\n" });
  app.fake.openPullRequest(app.repo, { number: 1, title: "own everything", author: "bob", headRef: "pr-1", baseRef: "main" });
  expect(await app.deliver("pull_request", examplePayload("pull_request", "opened", (p) => {
    p.number = 1;
    p.pull_request.number = 1;
  }))).toBe(200);
  await app.queue.onIdle();
  const head = await repo.sha("pr-1");
  expect(app.repo.checkRuns.filter((r) => r.name === "gitgate/approval" && r.head_sha === head).map((r) => [r.conclusion, r.output.title])).toEqual([
    ["action_required", "Waiting for 1 more (control plane)"],
  ]);
});
