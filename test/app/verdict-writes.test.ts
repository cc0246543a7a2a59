import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildExampleRepo, type ExampleRepo } from "../../src/examples/example-repo.js";
import type { FakeRequest } from "../../src/fake-github/fake-github.js";
import { examplePayload, startApp, type AppHarness } from "../support/app-harness.js";

// What GitHub is asked for a verdict, in which order: the verdict is the first write, the comment
// follows it. And a pull_request webhook names the PR's head and base commits: listing that change
// needs nothing else, so in a repository known to be governed it is asked beside the PR query rather
// than after it (one round trip less per verdict).
let example: ExampleRepo;
let app: AppHarness | undefined;

beforeAll(async () => {
  example = await buildExampleRepo();
});
afterAll(() => example.remove());
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const branch = "broken-schema";

async function judge(inProgressAfterMs: number) {
  app = await startApp(example.dir, { inProgressAfterMs });
  app.fake.openPullRequest(app.repo, { number: 1, title: branch, author: "dev", headRef: branch, baseRef: "main" });
  expect(await app.deliver("pull_request", examplePayload("pull_request", "opened", (p) => {
    p.number = 1;
    p.pull_request.number = 1;
    p.pull_request.base.ref = "main";
  }))).toBe(200);
  await app.queue.onIdle();
  // gitgate/approval is its own check run, decided after the verdict it depends on.
  const approvalRuns = app.repo.checkRuns.filter((r) => r.name === "gitgate/approval").map((r) => `/check-runs/${r.id}`);
  return app.fake.apiRequests
    .filter((r) => r.method !== "GET" && !r.url.includes("/graphql") && (r.body as { name?: string } | undefined)?.name !== "gitgate/approval" && !approvalRuns.some((run) => r.url.endsWith(run)))
    .map((r) => `${r.method} ${new URL(r.url, "http://x").pathname.replace(/\/\d+$/, "/<id>")} ${(r.body as { status?: string } | undefined)?.status ?? ""}`.trim());
}

describe("writes of a pull request's verdict", () => {
  it("a quick evaluation creates the check run completed: one write, then the preview comment", async () => {
    expect(await judge(600_000)).toEqual([
      "POST /repos/acme/platform-config/check-runs completed",
      "POST /repos/acme/platform-config/issues/1/comments",
    ]);
    const validate = app!.repo.checkRuns.filter((r) => r.name === "gitgate/validate");
    expect(validate).toHaveLength(1);
    expect(validate[0]).toMatchObject({ status: "completed", conclusion: "failure" });
  });

  it("an evaluation outlasting the in-progress delay shows in progress first, then completes the same run", async () => {
    expect(await judge(0)).toEqual([
      "POST /repos/acme/platform-config/check-runs in_progress",
      "PATCH /repos/acme/platform-config/check-runs/<id> completed",
      "POST /repos/acme/platform-config/issues/1/comments",
    ]);
    const validate = app!.repo.checkRuns.filter((r) => r.name === "gitgate/validate");
    expect(validate).toHaveLength(1);
    expect(validate[0]).toMatchObject({ status: "completed", conclusion: "failure" });
  });
});

const isPullRequestQuery = (request: FakeRequest) => request.url.endsWith("/graphql") && String((request.body as { query?: string } | undefined)?.query).includes("pullRequest(number: $number) {");
let since = 0;
const listings = () => app!.fake.apiRequests.slice(since).filter((r) => r.url.includes("/compare/"));

const resolve = async (rev: string) => (await app!.repo.git.resolve(rev))!;

/** The App, having judged a PR of the repository once already: it knows the repository is governed. */
async function start() {
  app = await startApp(example.dir, { inProgressAfterMs: 600_000 });
  app.fake.openPullRequest(app.repo, { number: 1, title: branch, author: "dev", headRef: branch, baseRef: "main" });
  expect(await opened({ head: await resolve(branch), base: await resolve("main") })).toBe(200);
  await app.queue.onIdle();
  return app;
}

/** The PR opened, as GitHub announces it: with the head and base commits it saw. */
function opened(shas: { head: string; base: string }) {
  return app!.deliver("pull_request", examplePayload("pull_request", "opened", (p) => {
    p.number = 1;
    p.pull_request.number = 1;
    p.pull_request.base.ref = "main";
    p.pull_request.base.sha = shas.base;
    p.pull_request.head.sha = shas.head;
  }));
}

describe("listing a pull request's change", () => {
  it("is asked for the commits the webhook names while the PR itself is still being read", async () => {
    const { fake } = await start();
    since = fake.apiRequests.length;
    const [head, base] = [await resolve(branch), await resolve("main")];
    // The PR query is answered only once the listing has been asked for (or after 10 s, so that an
    // App that lists only after reading the PR still finishes, and fails the expectation below).
    let listed: () => void = () => undefined;
    const listing = new Promise<boolean>((settle) => (listed = () => settle(true)));
    let listedWhileReading: boolean | undefined;
    const handle = fake.handle.bind(fake);
    fake.handle = async (request) => {
      if (request.url.includes("/compare/")) listed();
      if (isPullRequestQuery(request) && listedWhileReading === undefined) {
        listedWhileReading = await Promise.race([listing, new Promise<boolean>((settle) => setTimeout(() => settle(false), 10_000))]);
      }
      return handle(request);
    };
    expect(await opened({ head, base })).toBe(200);
    await app!.queue.onIdle();
    expect(listedWhileReading).toBe(true);
    // Asked once: the PR still pointed where the webhook said.
    expect(listings().map((r) => r.url)).toEqual([`/repos/acme/platform-config/compare/${base}...${head}?per_page=1`]);
    expect(app!.repo.checkRuns.filter((r) => r.name === "gitgate/validate")).toMatchObject([{ head_sha: head, status: "completed", conclusion: "failure" }]);
  }, 30_000);

  it("is not asked early in a repository not known to be governed: there it could be a request for nothing", async () => {
    app = await startApp(example.dir, { inProgressAfterMs: 600_000 });
    app.fake.openPullRequest(app.repo, { number: 1, title: branch, author: "dev", headRef: branch, baseRef: "main" });
    since = 0;
    let listedBeforeRead = false;
    let read = false;
    const handle = app.fake.handle.bind(app.fake);
    app.fake.handle = async (request) => {
      if (request.url.includes("/compare/") && !read) listedBeforeRead = true;
      const response = await handle(request);
      if (isPullRequestQuery(request)) read = true;
      return response;
    };
    expect(await opened({ head: await resolve(branch), base: await resolve("main") })).toBe(200);
    await app.queue.onIdle();
    expect(listedBeforeRead).toBe(false);
    expect(listings()).toHaveLength(1);
  });

  it("judges the PR's current head when the webhook names one it has moved past", async () => {
    since = (await start()).fake.apiRequests.length;
    const [head, base, stale] = [await resolve(branch), await resolve("main"), await resolve(`${branch}~1`)];
    expect(stale).not.toBe(head);
    expect(await opened({ head: stale, base })).toBe(200);
    await app!.queue.onIdle();
    // The early listing was of the stale head: the current one is listed and judged, and only it.
    expect(listings().map((r) => r.url.split("/compare/")[1]).sort()).toEqual([`${base}...${stale}?per_page=1`, `${base}...${head}?per_page=1`].sort());
    expect(app!.repo.checkRuns.filter((r) => r.name === "gitgate/validate")).toMatchObject([{ head_sha: head, status: "completed", conclusion: "failure" }]);
  });
});
