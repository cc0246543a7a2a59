import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { MemoryEngine } from "../../src/queue/memory-engine.js";
import type { FakeRequest } from "../../src/fake-github/fake-github.js";
import { createTestRepo, type Files, type TestRepo } from "../support/git-repo.js";
import { appId, examplePayload, startApp, type AppHarness } from "../support/app-harness.js";

const config = "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\n";
const configMap = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: ${value}\n`;

let repo: TestRepo | undefined;
let app: AppHarness | undefined;
afterEach(async () => {
  await app?.close();
  await repo?.remove();
  app = undefined;
  repo = undefined;
});

async function setup(base: Files, branches: Record<string, Files>): Promise<{ repo: TestRepo; app: AppHarness }> {
  repo = await createTestRepo(base);
  for (const [name, files] of Object.entries(branches)) await repo.branch(name, "main", files);
  app = await startApp(repo.dir);
  Object.keys(branches).forEach((name, i) => app!.fake.openPullRequest(app!.repo, { number: i + 1, title: name, author: "dev", headRef: name, baseRef: "main" }));
  return { repo, app };
}

const prEvent = (action: string, number: number) =>
  examplePayload("pull_request", action, (p) => {
    p.number = number;
    p.pull_request.number = number;
  });

describe("deliveries", () => {
  it("leaves one check run per head and one comment, however often an event is delivered", async () => {
    const { app, repo } = await setup({ ".github/gitgate.yml": config }, { feature: { "k8s/a.yaml": configMap("a", '"1"') } });
    await Promise.all([app.deliver("pull_request", prEvent("opened", 1), { id: "same" }), app.deliver("pull_request", prEvent("opened", 1), { id: "same" })]);
    await app.deliver("pull_request", prEvent("synchronize", 1));
    await app.queue.onIdle();
    // A redelivery long after the first evaluation finished.
    await app.deliver("pull_request", prEvent("opened", 1), { id: "same" });
    await app.queue.onIdle();
    const head = await repo.sha("feature");
    expect(app.repo.checkRuns.map((r) => [r.head_sha, r.status, r.conclusion])).toEqual([[head, "completed", "success"]]);
    expect(app.repo.comments).toHaveLength(1);
  });

  it("never publishes a verdict for an old head on a new one, nor its preview, when the PR moves during evaluation", async () => {
    const { app, repo } = await setup({ ".github/gitgate.yml": config }, { feature: { "k8s/a.yaml": configMap("a", '"1"') } });
    const first = await repo.sha("feature");
    const handle = app.fake.handle.bind(app.fake);
    let pushed = false;
    app.fake.handle = async (request: FakeRequest) => {
      const response = await handle(request);
      if (!pushed && request.url.includes("/compare/")) {
        pushed = true;
        // A push while the first head is being judged: its webhook queues a job for the newer head.
        await repo.commit("feature", { "k8s/a.yaml": configMap("a", "2") });
        expect(await app.deliver("pull_request", prEvent("synchronize", 1))).toBe(200);
      }
      return response;
    };
    await app.deliver("pull_request", prEvent("opened", 1));
    await app.queue.onIdle();
    const second = await repo.sha("feature");
    expect(app.repo.checkRuns.map((r) => [r.head_sha, r.conclusion])).toEqual([
      [first, "success"],
      [second, "failure"],
    ]);
    // The first job left the preview to the newer one: one comment, written once, for the newer head.
    expect(app.fake.apiRequests.filter((r) => r.url.includes("/comments")).map((r) => r.method)).toEqual(["POST"]);
    expect(app.repo.comments).toHaveLength(1);
    expect(app.repo.comments[0]!.body).toContain(`Gitgate preview of \`${second.slice(0, 12)}\``);
  });

  it("survives a YAML alias bomb and goes on to judge the next PR", async () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]", "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]", "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]", "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]", "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]"].join("\n");
    const { app } = await setup({ ".github/gitgate.yml": config }, { bomb: { "k8s/bomb.yaml": `${bomb}\n` }, clean: { "k8s/ok.yaml": configMap("ok", '"1"') } });
    await app.deliver("pull_request", prEvent("opened", 1));
    await app.deliver("pull_request", prEvent("opened", 2));
    await app.queue.onIdle();
    // The two PRs are judged concurrently: which check run is created first is not the point.
    expect(app.repo.checkRuns.map((r) => [r.conclusion, r.output.annotations.map((a) => `${a.path}:${a.start_line} ${a.title}`)]).sort()).toEqual([
      ["failure", ["k8s/bomb.yaml:5 yaml/alias-limit"]], // at the first alias past the 10,000 extra nodes
      ["success", []],
    ]);
  });

  it("retries transient 502s from GitHub and still publishes", async () => {
    const { app } = await setup({ ".github/gitgate.yml": config }, { feature: { "k8s/a.yaml": configMap("a", '"1"') } });
    app.fake.failNext("POST", /^\/graphql$/, 502, 2);
    // A quick verdict is one write, creating the check run completed: that write fails once first.
    app.fake.failNext("POST", /\/check-runs$/, 502);
    await app.deliver("pull_request", prEvent("opened", 1));
    await app.queue.onIdle();
    expect(app.repo.checkRuns.map((r) => [r.status, r.conclusion])).toEqual([["completed", "success"]]);
    expect(app.fake.requests.filter((r) => r.method === "POST" && /\/check-runs$/.test(r.url))).toHaveLength(2);
  });

  it("fails closed, with the reason, when GitHub keeps failing", async () => {
    const { app } = await setup({ ".github/gitgate.yml": config }, { feature: { "k8s/a.yaml": configMap("a", '"1"') } });
    app.fake.failNext("GET", /\/compare\//, 500, 10);
    await app.deliver("pull_request", prEvent("opened", 1));
    await app.queue.onIdle();
    const [run] = app.repo.checkRuns;
    expect(run).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(run!.output.title).toBe("Could not evaluate");
    expect(run!.output.summary).toContain("injected 500");
  });

  it("reads a file GraphQL truncates through the blob API, once per blob", async () => {
    const big = configMap("big", '"1"') + Array.from({ length: 12_000 }, (_, i) => `# padding line ${i} to pass GitHub's GraphQL text limit`).join("\n") + "\n";
    const { app } = await setup({ ".github/gitgate.yml": config }, { feature: { "k8s/big.yaml": big.replace('value: "1"', "value: 1") } });
    await app.deliver("pull_request", prEvent("opened", 1));
    await app.queue.onIdle();
    expect(app.fake.apiRequests.filter((r) => r.url.includes("/git/blobs/"))).toHaveLength(1);
    expect(app.repo.checkRuns[0]!.output.annotations.map((a) => `${a.path}:${a.start_line} ${a.title}`)).toEqual(["k8s/big.yaml:6 schema/type"]);
  });

  it("publishes nothing on a repository without config", async () => {
    const { app } = await setup({ "README.md": "# no gitgate here\n" }, { feature: { "k8s/a.yaml": "a: [\n" } });
    await app.deliver("pull_request", prEvent("opened", 1));
    await app.queue.onIdle();
    expect(app.repo.checkRuns).toEqual([]);
    expect(app.repo.comments).toEqual([]);
    expect(app.fake.apiRequests.every((r) => r.method === "POST" && r.url.endsWith("/graphql"))).toBe(true);
  });

  it("fails on invalid config at the base, annotated on the config file", async () => {
    const { app } = await setup({ ".github/gitgate.yml": "version: 1\nfail_on: sometimes\n" }, { feature: { "k8s/a.yaml": configMap("a", '"1"') } });
    await app.deliver("pull_request", prEvent("opened", 1));
    await app.queue.onIdle();
    const [run] = app.repo.checkRuns;
    expect(run!.conclusion).toBe("failure");
    expect(run!.output.annotations.map((a) => `${a.path}:${a.start_line}:${a.start_column} ${a.title}`)).toEqual([".github/gitgate.yml:2:10 config/invalid"]);
  });
});

describe("missed deliveries", () => {
  it("asks GitHub to redeliver the webhooks Gitgate needs that never succeeded, once", async () => {
    const { app } = await setup({ ".github/gitgate.yml": config }, { feature: { "k8s/a.yaml": configMap("a", '"1"') } });
    // GitHub gave up on these: the server was down. One is an event Gitgate does not handle.
    const missed = app.fake.recordDelivery("pull_request", prEvent("opened", 1), { status: "Invalid HTTP Response: 502", status_code: 502 });
    app.fake.recordDelivery("issues", { action: "opened" }, { status: "Invalid HTTP Response: 502", status_code: 502 });
    app.fake.recordDelivery("pull_request", prEvent("closed", 1), { status: "OK", status_code: 200 });
    const since = new Date(Date.now() - 3600_000);
    expect(await app.recoverMissedDeliveries(since)).toEqual([missed]);
    await app.queue.onIdle();
    expect(app.repo.checkRuns.map((r) => r.conclusion)).toEqual(["success"]);
    // The redelivery succeeded: the next sweep leaves it alone.
    expect(await app.recoverMissedDeliveries(since)).toEqual([]);
  });
});

describe("re-runs, merge queues and base pushes", () => {
  it("re-evaluates on check_run rerequested, the Re-run button and check_suite rerequested, keeping one check run", async () => {
    const { app, repo } = await setup({ ".github/gitgate.yml": config }, { feature: { "k8s/a.yaml": configMap("a", '"1"') } });
    await app.deliver("pull_request", prEvent("opened", 1));
    await app.queue.onIdle();
    const head = await repo.sha("feature");
    const checkRun = (action: string, identifier?: string) =>
      examplePayload("check_run", action, (p) => {
        p.check_run.app.id = appId;
        p.check_run.head_sha = head;
        p.check_run.pull_requests = [{ number: 1, head: { sha: head, ref: "feature" }, base: { ref: "main" } }];
        if (identifier) p.requested_action = { identifier };
      });
    const before = app.fake.apiRequests.length;
    await app.deliver("check_run", checkRun("rerequested"));
    await app.queue.onIdle();
    const afterRerequest = app.fake.apiRequests.length;
    expect(afterRerequest).toBeGreaterThan(before);
    await app.deliver("check_run", checkRun("requested_action", "rerun"));
    await app.queue.onIdle();
    expect(app.fake.apiRequests.length).toBeGreaterThan(afterRerequest);
    await app.deliver("check_suite", examplePayload("check_suite", "rerequested", (p) => {
      p.check_suite.head_sha = head;
      p.check_suite.pull_requests = [{ number: 1, head: { sha: head, ref: "feature" }, base: { ref: "main" } }];
    }));
    await app.queue.onIdle();
    expect(app.repo.checkRuns.map((r) => [r.head_sha, r.conclusion])).toEqual([[head, "success"]]);
    expect(app.repo.comments).toHaveLength(1);
  });

  it("re-evaluates a PR retargeted to another base, and not one whose title changed", async () => {
    const { app } = await setup({ ".github/gitgate.yml": config }, { feature: { "k8s/a.yaml": configMap("a", '"1"') } });
    await app.deliver("pull_request", examplePayload("pull_request", undefined, (p) => {
      p.action = "edited";
      p.number = 1;
      p.pull_request.number = 1;
      p.changes = { title: { from: "old title" } };
    }));
    await app.queue.onIdle();
    expect(app.fake.apiRequests).toEqual([]);
    await app.deliver("pull_request", examplePayload("pull_request", undefined, (p) => {
      p.action = "edited";
      p.number = 1;
      p.pull_request.number = 1;
      p.changes = { base: { ref: { from: "develop" }, sha: { from: "0".repeat(40) } } };
    }));
    await app.queue.onIdle();
    expect(app.repo.checkRuns.map((r) => r.conclusion)).toEqual(["success"]);
  });

  it("ignores re-run requests for other apps' check runs", async () => {
    const { app } = await setup({ ".github/gitgate.yml": config }, { feature: { "k8s/a.yaml": configMap("a", '"1"') } });
    await app.deliver("check_run", examplePayload("check_run", "rerequested", (p) => {
      p.check_run.app.id = appId + 1;
      p.check_run.pull_requests = [{ number: 1 }];
    }));
    await app.queue.onIdle();
    expect(app.fake.apiRequests).toEqual([]);
  });

  it("evaluates a merge group head against its base and publishes on the group head", async () => {
    const { app, repo } = await setup({ ".github/gitgate.yml": config }, { good: { "k8s/a.yaml": configMap("a", '"1"') }, bad: { "k8s/b.yaml": configMap("b", "2") } });
    const base = await repo.sha("main");
    for (const branch of ["good", "bad"]) {
      const head = await repo.sha(branch);
      await app.deliver("merge_group", examplePayload("merge_group", "checks_requested", (p) => {
        p.merge_group.head_sha = head;
        p.merge_group.head_ref = `refs/heads/gh-readonly-queue/main/${branch}`;
        p.merge_group.base_sha = base;
        p.merge_group.base_ref = "refs/heads/main";
      }));
    }
    await app.queue.onIdle();
    expect(app.repo.checkRuns.map((r) => [r.head_sha, r.conclusion])).toEqual([
      [await repo.sha("good"), "success"],
      [await repo.sha("bad"), "failure"],
    ]);
    expect(app.repo.comments).toEqual([]);
  });

  it("re-evaluates the open PRs of a branch whose control plane a push changed", async () => {
    const { app, repo } = await setup({ ".github/gitgate.yml": "version: 1\n" }, { feature: { "k8s/a.yaml": configMap("a", "2") } });
    await app.deliver("pull_request", prEvent("opened", 1));
    await app.queue.onIdle();
    expect(app.repo.checkRuns.map((r) => r.conclusion)).toEqual(["success"]);
    await repo.commit("main", { ".github/gitgate.yml": config });
    const main = await repo.sha("main");
    const push = (paths: string[]) =>
      examplePayload("push", undefined, (p) => {
        p.ref = "refs/heads/main";
        p.after = main;
        p.deleted = false;
        p.commits = [{ ...(p.commits?.[0] ?? {}), id: main, added: [], removed: [], modified: paths }];
      });
    await app.deliver("push", push(["README.md"]));
    await app.queue.onIdle();
    expect(app.repo.checkRuns.map((r) => r.conclusion)).toEqual(["success"]);
    await app.deliver("push", push([".github/gitgate.yml"]));
    await app.queue.onIdle();
    // The PR's base moved too, so it has a new base commit: judged again by the new rules.
    expect(app.repo.checkRuns.map((r) => r.conclusion)).toEqual(["failure"]);
  });

  it("fails a webhook whose job a full queue refuses, so that GitHub shows it and it can be delivered again", async () => {
    repo = await createTestRepo({ ".github/gitgate.yml": config });
    for (const name of ["one", "two", "three"]) await repo.branch(name, "main", { [`k8s/${name}.yaml`]: configMap(name, '"1"') });
    // One job at a time, one waiting.
    app = await startApp(repo.dir, { engine: new MemoryEngine({ concurrency: 1, maxPending: 1, log: pino({ level: "silent" }) }) });
    ["one", "two", "three"].forEach((name, i) => app!.fake.openPullRequest(app!.repo, { number: i + 1, title: name, author: "dev", headRef: name, baseRef: "main" }));
    const gate = app.fake.hold((r) => r.method === "POST" && r.url.endsWith("/graphql"));
    expect(await app.deliver("pull_request", prEvent("opened", 1))).toBe(200);
    await gate.reached;
    expect(await app.deliver("pull_request", prEvent("opened", 2))).toBe(200);
    expect(await app.deliver("pull_request", prEvent("opened", 3), { id: "third" })).toBe(500);
    gate.release();
    await app.queue.onIdle();
    // Delivered again once the queue has room, the same delivery is work again.
    expect(await app.deliver("pull_request", prEvent("opened", 3), { id: "third" })).toBe(200);
    await app.queue.onIdle();
    expect(app.repo.checkRuns.filter((r) => r.name === "gitgate/validate").map((r) => r.conclusion)).toEqual(["success", "success", "success"]);
  });
});
