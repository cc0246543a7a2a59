import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeGitHub } from "../../src/fake-github/fake-github.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";

// The fake GitHub must be no more lenient than GitHub: a limit it does not hold Gitgate to is one
// Gitgate could break unseen until it runs against the real one.
let repo: TestRepo;
let fake: FakeGitHub;

beforeAll(async () => {
  repo = await createTestRepo(Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`k8s/cm-${i}.yaml`, `n: ${i}\n`])));
  await repo.branch("many", "main", Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`k8s/cm-${i}.yaml`, `n: ${i + 1}\n`])));
  fake = new FakeGitHub(1);
  fake.openPullRequest(fake.addRepository("acme", "platform-config", repo.dir), { number: 1, title: "many", author: "dev", headRef: "many", baseRef: "main" });
});
afterAll(async () => {
  fake.close();
  await repo.remove();
});

const annotations = (count: number) => Array.from({ length: count }, (_, i) => ({ path: "a.yaml", start_line: i + 1, end_line: i + 1, annotation_level: "warning", message: "m" }));
const send = (method: string, url: string, body: unknown) => fake.handle({ method, url, headers: {}, body });

describe("the fake GitHub holds Gitgate to GitHub's limits", () => {
  it("takes at most 50 annotations per check run request", async () => {
    const output = (count: number) => ({ title: "t", summary: "s", annotations: annotations(count) });
    const created = await send("POST", "/repos/acme/platform-config/check-runs", { name: "n", head_sha: await repo.sha("many"), output: output(50) });
    expect(created.status).toBe(201);
    const id = (created.body as { id: number }).id;
    expect((await send("PATCH", `/repos/acme/platform-config/check-runs/${id}`, { output: output(50) })).status).toBe(200);
    expect((await send("PATCH", `/repos/acme/platform-config/check-runs/${id}`, { output: output(51) })).status).toBe(422);
    expect((await send("POST", "/repos/acme/platform-config/check-runs", { name: "n", head_sha: await repo.sha("many"), output: output(51) })).status).toBe(422);
  });

  it("takes a comment of at most 65,536 characters", async () => {
    expect((await send("POST", "/repos/acme/platform-config/issues/1/comments", { body: "é".repeat(65_536) })).status).toBe(201);
    expect((await send("POST", "/repos/acme/platform-config/issues/1/comments", { body: "x".repeat(65_537) })).status).toBe(422);
    expect((await send("PATCH", `/repos/acme/platform-config/issues/comments/${fake.repository("acme", "platform-config")!.comments[0]!.id}`, { body: "x".repeat(65_537) })).status).toBe(422);
  });

  it("links the pages of a list as GitHub does: next and last, then prev and first", async () => {
    const link = async (page: number) => (await send("GET", `/repos/acme/platform-config/pulls/1/files?per_page=100&page=${page}`, undefined)).headers?.link ?? "";
    const rels = (header: string) => header.split(", ").map((part) => /page=(\d+)>; rel="(\w+)"/.exec(part)!.slice(1).reverse().join("="));
    expect(rels(await link(1))).toEqual(["next=2", "last=3"]);
    expect(rels(await link(2))).toEqual(["prev=1", "next=3", "last=3", "first=1"]);
    expect(rels(await link(3))).toEqual(["prev=2", "first=1"]);
  });

  it("refuses a query GitHub's schema refuses, every time it is sent, and answers a repeated query with its own variables", async () => {
    const graphql = (query: string, variables: Record<string, unknown>) => send("POST", "/graphql", { query, variables });
    const wrong = "query($owner: String!, $repo: String!) { repository(owner: $owner, name: $repo) { nameWithOwnerr } }";
    for (let i = 0; i < 2; i++) {
      const refused = (await graphql(wrong, { owner: "acme", repo: "platform-config" })).body as { data?: unknown; errors?: { message: string }[] };
      expect(refused.data).toBeUndefined();
      expect(refused.errors?.map((e) => e.message)).toEqual(['Cannot query field "nameWithOwnerr" on type "Repository". Did you mean "nameWithOwner"?']);
    }
    const read = "query($owner: String!, $repo: String!, $o: String!) { repository(owner: $owner, name: $repo) { object(expression: $o) { ... on Blob { text } } } }";
    const text = async (expression: string) => ((await graphql(read, { owner: "acme", repo: "platform-config", o: expression })).body as { data: { repository: { object: { text: string } } } }).data.repository.object.text;
    expect(await text("main:k8s/cm-7.yaml")).toBe("n: 7\n");
    expect(await text("many:k8s/cm-7.yaml")).toBe("n: 8\n");
    const unused = (await graphql("query($owner: String!) { viewer { login } }", { owner: "acme" })).body as { errors?: { message: string }[] };
    expect(unused.errors?.map((e) => e.message)).toEqual(['Variable "$owner" is never used.']);
  });
});
