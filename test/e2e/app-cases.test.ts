import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoAppId, demoTarget, type FakeGitHubWorld } from "../../src/demo/demo-world.js";
import { examplePayload } from "../../src/demo/example-payload.js";
import { sendWebhook } from "../../src/demo/send-webhook.js";
import type { ServerProcess } from "../../src/demo/server-process.js";
import { waitForComment, waitForVerdict } from "../../src/demo/wait-for-verdict.js";
import type { FakeRequest } from "../../src/fake-github/fake-github.js";
import { startE2E, type E2E } from "../support/e2e-server.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";

// The App issue's cases again, through the real server process and HTTP on both sides.
const config = "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\n";
const configMap = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: ${value}\n`;
const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]", "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]", "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]", "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]", "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]"].join("\n");
const secretValue = "Pq4-e2e-secret-value-never-sent-9Zt";

let repo: TestRepo;
let world: FakeGitHubWorld;
let server: ServerProcess;
let e2e: E2E;
const branches = ["bomb", "clean", "flaky", "racing", "secret", "group"];

beforeAll(async () => {
  repo = await createTestRepo({ ".github/gitgate.yml": config });
  await repo.branch("bomb", "main", { "k8s/bomb.yaml": `${bomb}\n` });
  await repo.branch("clean", "main", { "k8s/ok.yaml": configMap("ok", '"1"') });
  await repo.branch("flaky", "main", { "k8s/flaky.yaml": configMap("flaky", '"1"') });
  await repo.branch("racing", "main", { "k8s/race.yaml": configMap("race", '"1"') });
  await repo.branch("secret", "main", { "k8s/secret.yaml": `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: ${secretValue}\n` });
  await repo.branch("group", "main", { "k8s/group.yaml": configMap("group", "2") });
  e2e = await startE2E(repo, branches);
  ({ world, server } = e2e);
}, 60_000);
afterAll(() => e2e?.close());

const prNumber = (branch: string) => branches.indexOf(branch) + 1;
const deliver = (event: string, payload: unknown, id?: string) => sendWebhook(`${server.url}/api/github/webhooks`, world.webhookSecret, event, payload, id);
const opened = (branch: string, action = "opened") =>
  examplePayload("pull_request", action, demoTarget, (p) => {
    p.number = prNumber(branch);
    p.pull_request.number = prNumber(branch);
  });

describe("the App's cases through the running server", () => {
  it("survives an alias-bomb PR and judges the next one", async () => {
    await deliver("pull_request", opened("bomb"));
    await deliver("pull_request", opened("clean"));
    const bombRun = await waitForVerdict(world.repo, await repo.sha("bomb"));
    const cleanRun = await waitForVerdict(world.repo, await repo.sha("clean"));
    expect(bombRun.conclusion).toBe("failure");
    expect(bombRun.output.annotations.map((a) => a.title)).toEqual(["yaml/alias-limit"]);
    expect(cleanRun.conclusion).toBe("success");
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  }, 60_000);

  it("retries transient 502s from GitHub", async () => {
    world.fake.failNext("POST", /^\/graphql$/, 502, 2);
    world.fake.failNext("POST", /\/check-runs$/, 502);
    await deliver("pull_request", opened("flaky"));
    const run = await waitForVerdict(world.repo, await repo.sha("flaky"));
    expect(run.conclusion).toBe("success");
  }, 60_000);

  it("publishes the verdict on the head it judged when the PR moves during evaluation", async () => {
    const first = await repo.sha("racing");
    const handle = world.fake.handle.bind(world.fake);
    let pushed = false;
    world.fake.handle = async (request: FakeRequest) => {
      const response = await handle(request);
      if (!pushed && request.url.includes("/compare/") && request.url.includes(first)) {
        pushed = true;
        await repo.commit("racing", { "k8s/race.yaml": configMap("race", "2") });
      }
      return response;
    };
    try {
      await deliver("pull_request", opened("racing"));
      expect((await waitForVerdict(world.repo, first)).conclusion).toBe("success");
      const second = await repo.sha("racing");
      await deliver("pull_request", opened("racing", "synchronize"));
      expect((await waitForVerdict(world.repo, second)).conclusion).toBe("failure");
      // The preview speaks for the newest head: the comment ends up there (edited in place, never doubled).
      const preview = `Gitgate preview of \`${second.slice(0, 12)}\``;
      const deadline = Date.now() + 30_000;
      while (!(await waitForComment(world.repo, prNumber("racing")))?.includes(preview) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(world.repo.comments.find((c) => c.issueNumber === prNumber("racing"))?.body).toContain(preview);
      expect(world.repo.comments.filter((c) => c.issueNumber === prNumber("racing"))).toHaveLength(1);
    } finally {
      world.fake.handle = handle;
    }
  }, 60_000);

  it("re-evaluates on a Re-run request, keeping one check run", async () => {
    const head = await repo.sha("clean");
    if (!world.repo.checkRuns.some((r) => r.head_sha === head)) await deliver("pull_request", opened("clean"));
    await waitForVerdict(world.repo, head);
    await waitForComment(world.repo, prNumber("clean"));
    const before = world.fake.apiRequests.length;
    await deliver("check_run", examplePayload("check_run", "rerequested", demoTarget, (p) => {
      p.check_run.app.id = demoAppId;
      p.check_run.head_sha = head;
      p.check_run.pull_requests = [{ number: prNumber("clean") }];
    }));
    const deadline = Date.now() + 30_000;
    // Re-run: the same check run is completed again (in progress first only if the evaluation is slow).
    const completedAgain = () => world.fake.apiRequests.slice(before).some((r) => r.method === "PATCH" && r.url.includes("/check-runs/") && (r.body as { status?: string }).status === "completed");
    while (!completedAgain() && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(completedAgain()).toBe(true);
    expect(world.repo.checkRuns.filter((r) => r.head_sha === head)).toHaveLength(1);
    expect(world.repo.checkRuns.find((r) => r.head_sha === head)!.conclusion).toBe("success");
  }, 60_000);

  it("answers a merge queue on the group head", async () => {
    const head = await repo.sha("group");
    const base = await repo.sha("main");
    await deliver("merge_group", examplePayload("merge_group", "checks_requested", demoTarget, (p) => {
      p.merge_group.head_sha = head;
      p.merge_group.head_ref = "refs/heads/gh-readonly-queue/main/pr-6";
      p.merge_group.base_sha = base;
      p.merge_group.base_ref = "refs/heads/main";
    }));
    const run = await waitForVerdict(world.repo, head);
    expect(run.conclusion).toBe("failure");
  }, 60_000);

  it("never sends a Secret's value to GitHub", async () => {
    await deliver("pull_request", opened("secret"));
    await waitForVerdict(world.repo, await repo.sha("secret"));
    await waitForComment(world.repo, prNumber("secret"));
    const sent = world.fake.requests.map((r) => JSON.stringify(r.body ?? "")).join("\n");
    expect(sent).toContain("v1 Secret db");
    for (let i = 0; i + 8 <= secretValue.length; i++) expect(sent).not.toContain(secretValue.slice(i, i + 8));
    expect(world.fake.rejectedBodies).toEqual([]);
  }, 60_000);
});
