import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeRequest } from "../../src/fake-github/fake-github.js";
import type { Files, TestRepo } from "../support/git-repo.js";
import { createTestRepo } from "../support/git-repo.js";
import { examplePayload, startApp, type AppHarness } from "../support/app-harness.js";

const config = `version: 1
schemas:
  - files: "apps/*/values.yaml"
    schema: schemas/values.schema.json
  - files: "k8s/**"
    schema: kubernetes
policies:
  builtin: [kubernetes, gitops]
  paths: [policy/]
`;
const deployment = (i: number, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-${i}
  namespace: team
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: svc-${i} }
  template:
    metadata:
      labels: { app: svc-${i} }
    spec:
      securityContext: { runAsNonRoot: true }
      containers:
        - name: app
          image: registry.example/svc-${i}:1.0.0
          resources:
            requests: { cpu: 100m, memory: 64Mi }
            limits: { cpu: 200m, memory: 128Mi }
          readinessProbe: { httpGet: { path: /ready, port: 8080 } }
          livenessProbe: { httpGet: { path: /live, port: 8080 } }
`;
const files = (count: number, replicas: number): Files => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k8s/svc-${i}.yaml`, deployment(i, replicas)]));

let repo: TestRepo;
let app: AppHarness;
const branches = { "ten-files": 10, "hundred-files": 100, "three-hundred-files": 300, "three-thousand-files": 3000, "thousand-files": 1000 };

beforeAll(async () => {
  repo = await createTestRepo({
    ".github/gitgate.yml": config,
    "schemas/values.schema.json": JSON.stringify({ type: "object", properties: { replicas: { type: "integer" } } }),
    "policy/main.rego": "package main\n\nimport rego.v1\n\nwarn contains \"no team label\" if {\n  input.kind == \"Deployment\"\n  not input.metadata.labels.team\n}\n",
    ...files(3000, 2),
  });
  for (const [name, count] of Object.entries(branches)) await repo.branch(name, "main", files(count, 3));
  await repo.branch("secret", "main", {
    "k8s/db-secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: team\nstringData:\n  password: Zx9-correct-horse-battery-staple-Qw7\n  token: ghp_0123456789abcdefghijABCDEFGHIJ012345\n",
  });
  // Request counts must not depend on how busy the machine is: only a quick evaluation skips "in progress".
  app = await startApp(repo.dir, { inProgressAfterMs: 600_000 });
  [...Object.keys(branches), "secret"].forEach((name, i) => app.fake.openPullRequest(app.repo, { number: i + 1, title: name, author: "dev", headRef: name, baseRef: "main" }));
}, 120_000);
afterAll(async () => {
  await app.close();
  await repo.remove();
});

async function evaluate(number: number) {
  const before = app.fake.apiRequests.length;
  // As GitHub sends it: with the head and base commits of the PR.
  const [head, base] = await Promise.all([app.repo.git.resolve(app.repo.pulls.get(number)!.headRef), app.repo.git.resolve("main")]);
  await app.deliver("pull_request", examplePayload("pull_request", "opened", (p) => {
    p.number = number;
    p.pull_request.number = number;
    p.pull_request.base.ref = "main";
    p.pull_request.base.sha = base;
    p.pull_request.head.sha = head;
  }));
  await app.queue.onIdle();
  return app.fake.apiRequests.slice(before);
}

describe("GitHub request budget", () => {
  it("judges a 10-file PR in at most 6 requests", async () => {
    const requests = await evaluate(1);
    expect(requests.length).toBeLessThanOrEqual(6);
    expect(app.repo.checkRuns.at(-1)).toMatchObject({ conclusion: "success" });
  });

  it("judges a 100-file PR in 6 requests: the count grows with pages, not files", async () => {
    const requests = await evaluate(2);
    // The first two go out together: which GitHub sees first is chance.
    const [first, second, ...rest] = requests.map((r) => `${r.method} ${new URL(r.url, "http://x").pathname.replace(/[0-9a-f]{40}/g, "<sha>")}`);
    expect([...[first, second].sort(), ...rest]).toEqual([
      "GET /repos/acme/platform-config/compare/<sha>...<sha>", // merge base and changed files of the commits the webhook names (asked beside the PR query)
      "POST /graphql", // the PR, its check run, comment, the other open PRs with its head, and config and exceptions at its base
      "POST /graphql", // both versions of the 100 files, with the schemas and policy folders the config names
      "POST /repos/acme/platform-config/check-runs", // the verdict, created completed (no in-progress write for a quick evaluation), annotations 1-50
      "PATCH /repos/acme/platform-config/check-runs/" + app.repo.checkRuns.at(-1)!.id, // annotations 51-100 (a warning per file)
      "POST /repos/acme/platform-config/issues/2/comments", // preview, after the verdict
    ]);
    expect(app.repo.checkRuns.at(-1)!.status).toBe("completed");
    expect(app.repo.checkRuns.at(-1)).toMatchObject({ conclusion: "success" });
  });

  it("completes a 300-file PR through the paged file list", async () => {
    const requests = await evaluate(3);
    expect(requests.filter((r) => r.url.includes("/pulls/3/files")).length).toBe(3);
    const run = app.repo.checkRuns.at(-1)!;
    expect(run.conclusion).toBe("success");
    expect(run.output.summary).toContain("| 300 | 300 | 300 |");
  });

  it("judges a 1,000-file PR in 45 requests: 22 to read it, 23 to publish a warning on every file", async () => {
    const requests = await evaluate(5);
    const kinds = new Map<string, number>();
    for (const r of requests) {
      const kind = `${r.method} ${new URL(r.url, "http://x").pathname.replace(/[0-9a-f]{40}/g, "<sha>").replace(/\/\d+$/, "/<id>")}`;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    expect(Object.fromEntries(kinds)).toEqual({
      "GET /repos/acme/platform-config/compare/<sha>...<sha>": 1, // merge base; past 300 files the compare API lists none
      "GET /repos/acme/platform-config/pulls/5/files": 10, // the file list, 100 a page (GitHub's most)
      "POST /graphql": 11, // the PR with its base's config, then both versions of the 1,000 files, 200 a query
      "POST /repos/acme/platform-config/check-runs": 1, // in progress, as soon as the list says the change is large
      "PATCH /repos/acme/platform-config/check-runs/<id>": 20, // the verdict with annotations 1-50, then 51-1,000, 50 a request (GitHub's most)
      "POST /repos/acme/platform-config/issues/5/comments": 1, // the preview (GitHub's 65,536 characters at most)
    });
    const run = app.repo.checkRuns.at(-1)!;
    expect(run).toMatchObject({ status: "completed", conclusion: "success" });
    expect(run.output.summary).toContain("| 1000 | 1000 | 1000 |");
    expect(run.output.annotations).toHaveLength(1000);
    // In progress while its files were still being read, though the in-progress delay never passed
    // (600 s here): a large change is known to be slow once listed.
    const inProgress = requests.findIndex((r) => r.method === "POST" && (r.body as { status?: string }).status === "in_progress");
    const lastRead = requests.findLastIndex((r) => r.url.endsWith("/graphql"));
    expect(inProgress).toBeGreaterThan(-1);
    expect(inProgress).toBeLessThan(lastRead);
  });

  it("asks for the pages of a long file list together once the first page says how many there are", async () => {
    // Page 2 is answered only once page 3 has been asked for (or after 10 s, so that an App that
    // asks page by page still finishes, and fails the expectation below).
    const together = await heldUntil((r) => r.url.includes("/pulls/3/files") && r.url.includes("page=2"), (r) => r.url.includes("/pulls/3/files") && r.url.includes("page=3"), () => evaluate(3));
    expect(together).toBe(true);
  });

  it("reads a large change's files with several queries in flight", async () => {
    // A query of 200 files is answered only once another one has been sent.
    const fullQuery = (r: FakeRequest) => r.url.endsWith("/graphql") && String((r.body as { query?: string } | undefined)?.query).includes("$p199:");
    const together = await heldUntil(fullQuery, fullQuery, () => evaluate(3));
    expect(together).toBe(true);
  });

  it("fails closed on a PR at GitHub's 3,000-file listing cap instead of judging a partial list", async () => {
    await evaluate(4);
    const run = app.repo.checkRuns.at(-1)!;
    expect(run).toMatchObject({ conclusion: "failure" });
    expect(run.output.title).toBe("Could not evaluate");
    expect(run.output.summary).toContain("too large to validate");
  });
});

/**
 * Runs `work` while GitHub holds its answer to the first request that `held` picks until another one
 * that `awaited` picks has been sent (at most 10 s): says whether both were in flight together.
 */
async function heldUntil(held: (r: FakeRequest) => boolean, awaited: (r: FakeRequest) => boolean, work: () => Promise<unknown>): Promise<boolean | undefined> {
  const handle = app.fake.handle.bind(app.fake);
  let arrived: () => void = () => undefined;
  const arrival = new Promise<boolean>((settle) => (arrived = () => settle(true)));
  let holding = false;
  let together: boolean | undefined;
  app.fake.handle = async (request) => {
    if (!holding && held(request)) {
      holding = true;
      together = await Promise.race([arrival, new Promise<boolean>((settle) => setTimeout(() => settle(false), 10_000))]);
    } else if (awaited(request)) arrived();
    return handle(request);
  };
  try {
    await work();
  } finally {
    app.fake.handle = handle;
  }
  return together;
}

describe("secrets in a PR", () => {
  it("never appear in any request body sent to GitHub", async () => {
    const requests = await evaluate(6);
    const sent = requests.map((r) => JSON.stringify(r.body ?? "")).join("\n");
    expect(sent).toContain("v1 Secret team/db");
    for (const value of ["Zx9-correct-horse-battery-staple-Qw7", "ghp_0123456789abcdefghijABCDEFGHIJ012345"]) {
      for (const form of [value, Buffer.from(value).toString("base64")]) {
        for (let i = 0; i + 8 <= form.length; i++) expect(sent).not.toContain(form.slice(i, i + 8));
      }
    }
  });
});
