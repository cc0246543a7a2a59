import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { serveFakeGitHub } from "../../src/fake-github/http-server.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { startApp, type AppHarness } from "../support/app-harness.js";
import { guardFlow } from "../support/guard-flow.js";

// The period's rules were read where its first and last commits landed: with the approvals section
// switched on and then off again inside the period, both ends asked for no approvals, and an admin
// merge past gitgate/approval in between (which the App's guard flagged) passed the replay.
const schema = JSON.stringify({ type: "object", properties: { replicas: { type: "integer" } } });
const plain = `version: 1
schemas:
  - files: "apps/*/values.yaml"
    schema: schemas/values.schema.json
protect:
  on_bypass: [check]
`;
const withApprovals = `${plain}approvals:
  rules:
    - name: review
      count: 1
`;

let repo: TestRepo;
let app: AppHarness;
let http: Awaited<ReturnType<typeof serveFakeGitHub>>;
const shas: Record<string, string> = {};

beforeAll(async () => {
  repo = await createTestRepo({ ".github/gitgate.yml": plain, "schemas/values.schema.json": schema, "apps/web/values.yaml": "replicas: 1\n" });
  const old = "2020-01-01T00:00:00Z";
  execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@gitgate.invalid", "commit", "-q", "--amend", "--no-edit", `--date=${old}`], { cwd: repo.dir, env: { ...process.env, GIT_COMMITTER_DATE: old } });
  app = await startApp(repo.dir);
  app.repo.writers.add("alice");
  const flow = guardFlow(app, repo);
  const on = await flow.openPr([{ ".github/gitgate.yml": withApprovals }]);
  await flow.merge(on, "merge");
  // Nobody approves #2; an admin merges it past gitgate/approval.
  flow.setNext(2);
  await repo.branch("pr-2", "main", { "apps/web/values.yaml": "replicas: 5\n" });
  app.fake.openPullRequest(app.repo, { number: 2, title: "unapproved", author: "dev", headRef: "pr-2", baseRef: "main" });
  await flow.prEvent("opened", 2);
  flow.setNext(3);
  shas.admin = (await flow.merge(2, "merge")).after;
  const off = await flow.openPr([{ ".github/gitgate.yml": plain }]);
  await flow.merge(off, "merge");
  const later = await flow.openPr([{ "apps/web/values.yaml": "replicas: 6\n" }]);
  await flow.merge(later, "merge");
  http = await serveFakeGitHub(app.fake);
}, 120_000);
afterAll(async () => {
  await http?.close();
  await app?.close();
  await repo?.remove();
});

describe("gitgate guard over a period in which the approvals section was switched on and off", () => {
  it("cannot decide, naming where the rules differ, rather than pass the admin merge in between", async () => {
    let stdout = "";
    let stderr = "";
    const status = await main(["guard", "--repo", "acme/platform-config", "--since", "2021-01-01", "--format", "json"], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } }, { GITHUB_TOKEN: "ghp_test", GITHUB_API_URL: `${http.url}/api/v3` });
    // The App's own guard flagged it as it happened.
    expect(app.repo.checkRuns.filter((r) => r.name === "gitgate/guard" && r.head_sha === shas.admin).at(-1)?.conclusion).toBe("failure");
    expect({ status, stdout }).toEqual({ status: 2, stdout: "" });
    expect(stderr).toMatch(/^gitgate: could not decide provenance: the config asks for gitgate\/approval at [0-9a-f]{12}, where a commit of the period landed, and asks for no approvals where its last commit \([0-9a-f]{12}\) did: the approvals section changed within the period/);
  });
});
