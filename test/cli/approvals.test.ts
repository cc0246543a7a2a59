import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { demoTarget } from "../../src/demo/demo-world.js";
import { examplePayload } from "../../src/demo/example-payload.js";
import { sendWebhook } from "../../src/demo/send-webhook.js";
import { waitForCheck } from "../../src/demo/wait-for-verdict.js";
import { startE2E, type E2E } from "../support/e2e-server.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";

// `gitgate approvals` against the fake GitHub over HTTP, next to the real server publishing
// gitgate/approval for the same pull requests: the CLI must print the App's verdict.
const config = `version: 1
schemas:
  - files: "apps/*/values.yaml"
    schema: schemas/values.schema.json
approvals:
  codeowners: true
  rules:
    - name: review
      count: 1
`;

let repo: TestRepo;
let e2e: E2E;
const slug = `${demoTarget.owner}/${demoTarget.repo}`;

beforeAll(async () => {
  repo = await createTestRepo({
    ".github/gitgate.yml": config,
    ".github/CODEOWNERS": "apps/** @acme/platform\n!apps/legacy/** @nobody\n",
    "schemas/values.schema.json": JSON.stringify({ type: "object", properties: { replicas: { type: "integer" } } }),
    "apps/web/values.yaml": "replicas: 1\n",
    "README.md": "hello\n",
  });
  await repo.branch("change", "main", { "apps/web/values.yaml": "replicas: 2\n" });
  e2e = await startE2E(repo, ["change"]);
  e2e.world.repo.writers.add("alice");
  e2e.world.repo.teams.set("platform", ["alice"]);
}, 60_000);
afterAll(() => e2e?.close());

const apiUrl = () => `http://${e2e.world.env.GHE_HOST}/api/v3`;

async function approvals(args: string[], env: Record<string, string> = { GITHUB_TOKEN: "ghp_test", GITHUB_API_URL: apiUrl() }) {
  let stdout = "";
  let stderr = "";
  const status = await main(["approvals", ...args], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } }, env);
  return { status, stdout, stderr };
}

/** Delivers an event about PR #1 to the server and waits for the gitgate/approval it publishes on `head`. */
async function deliver(event: string, action: string, head: string, since: number) {
  const payload = examplePayload(event, action, demoTarget, (p) => {
    p.number = 1;
    p.pull_request.number = 1;
    p.pull_request.head.sha = head;
  });
  expect(await sendWebhook(`${e2e.server.url}/api/github/webhooks`, e2e.world.webhookSecret, event, payload)).toBe(200);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const run = await waitForCheck(e2e.world.repo, head, "gitgate/approval");
    const updated = e2e.world.fake.requests.slice(since).some((r) => /check-runs/.test(r.url) && (r.body as { name?: string; output?: { title?: string } } | undefined)?.output !== undefined && r.method !== "GET" && requestIsApproval(r.body));
    if (updated || Date.now() > deadline) return run;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function requestIsApproval(body: unknown): boolean {
  const summary = (body as { output?: { summary?: string } }).output?.summary ?? "";
  return summary.includes("gitgate/approval");
}

describe("gitgate approvals", () => {
  it("prints the App's verdict: the author's approval not counted, then satisfied by a reviewer", async () => {
    const head = await repo.sha("change");
    let run = await deliver("pull_request", "opened", head, e2e.world.fake.requests.length);
    expect(run.conclusion).toBe("action_required");

    await e2e.world.fake.submitReview(e2e.world.repo, { pullNumber: 1, user: "dev", state: "APPROVED" });
    const waiting = await approvals(["--repo", slug, "--pr", "1"]);
    expect(waiting.stderr).toBe("");
    expect(waiting.status).toBe(1);
    expect(waiting.stdout).toContain(`gitgate/approval ${slug}#1 (head ${head.slice(0, 12)}): WAITING — Waiting for 1 more (review), 1 more (code owners @acme/platform)`);
    expect(waiting.stdout).toContain("not counted: @dev (author of the pull request; reviewed");
    // The CODEOWNERS line GitHub ignores is shown, by file and line.
    expect(waiting.stdout).toContain("warning   .github/CODEOWNERS:2: pattern !apps/legacy/** negates: GitHub ignores this line");

    await e2e.world.fake.submitReview(e2e.world.repo, { pullNumber: 1, user: "alice", state: "APPROVED" });
    const satisfied = await approvals(["--repo", slug, "--pr", "1", "--format", "json"]);
    expect(satisfied.status).toBe(0);
    const json = JSON.parse(satisfied.stdout);
    expect(json).toMatchObject({ repository: slug, pullRequest: 1, head, headValidated: true, status: "satisfied", conclusion: "success", title: "Approved: all 2 rules satisfied", notes: [] });
    expect(json.codeOwnersProblems.problems).toEqual([{ line: 2, message: "pattern !apps/legacy/** negates: GitHub ignores this line" }]);
    // The App, told of the review, publishes the same.
    run = await deliver("pull_request_review", "submitted", head, e2e.world.fake.requests.length);
    expect(run.conclusion).toBe(json.conclusion);
    expect(run.output.title).toBe(json.title);
    expect(run.output.summary).toContain("`.github/CODEOWNERS`: 1 line not applied");
    // (Markdown-escaped: the text is the repository's.)
    expect(run.output.summary).toContain("- Line 2: pattern \\!apps\\/legacy\\/\\*\\* negates\\: GitHub ignores this line");
  });

  it("carries an approval over a push that changes nothing governed only once gitgate/validate recorded the head's digest", async () => {
    await repo.commit("change", { "README.md": "hello again\n" });
    const head = await repo.sha("change");
    // Before validate ran on the new head, its governed diff is unknown: say so, count only approvals of the head.
    const before = await approvals(["--repo", slug, "--pr", "1"]);
    expect(before.status).toBe(1);
    expect(before.stderr).toContain(`gitgate: gitgate/validate has not completed on the head ${head.slice(0, 12)}: its governed-diff digest is unknown`);
    expect(before.stdout).toContain("not counted: @alice (approved an older commit whose governed change differs");
    const run = await deliver("pull_request", "synchronize", head, e2e.world.fake.requests.length);
    expect(run.conclusion).toBe("success");
    const after = await approvals(["--repo", slug, "--pr", "1"]);
    expect(after).toMatchObject({ status: 0, stderr: "" });
    expect(after.stdout).toContain("SATISFIED — Approved: all 2 rules satisfied");
  });

  it("exits 2 when it cannot decide or is used wrongly", async () => {
    const missing = await approvals(["--repo", slug, "--pr", "99"]);
    expect(missing).toMatchObject({ status: 2, stdout: "" });
    expect(missing.stderr).toBe(`gitgate: could not decide approvals: no pull request #99 in ${slug}, or the token cannot read it\n`);
    const noToken = await approvals(["--repo", slug, "--pr", "1"], { GITHUB_API_URL: apiUrl() });
    expect(noToken.status).toBe(2);
    expect(noToken.stderr).toContain("gitgate: approvals reads the pull request through the GitHub API: set GITHUB_TOKEN");
    expect((await approvals(["--repo", ".", "--pr", "1"])).stderr).toContain('approvals needs --repo owner/name (got ".")');
    expect((await approvals(["--repo", slug])).stderr).toContain("approvals needs --pr NUMBER");
    expect((await approvals(["--repo", slug, "--pr", "1", "--format", "sarif"])).stderr).toContain("approvals prints text or json, not sarif");
  });
});
