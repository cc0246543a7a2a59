import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { examplePayload, startApp, type AppHarness } from "../support/app-harness.js";

// The check run belongs to the head commit, the rules to the base: a second PR with the same head into
// a laxer base must not turn the first PR's red check green.
const strict = "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\n";
const lax = "version: 1\nfiles: ['nothing/**']\n";
const broken = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  replicas: [many]\n";

let repo: TestRepo;
let app: AppHarness;
let head: string;

beforeAll(async () => {
  repo = await createTestRepo({ ".github/gitgate.yml": strict, "README.md": "x\n" });
  await repo.branch("lax", "main", { ".github/gitgate.yml": lax });
  await repo.branch("feature", "main", { "k8s/web.yaml": broken });
  head = await repo.sha("feature");
  app = await startApp(repo.dir);
  app.fake.openPullRequest(app.repo, { number: 1, title: "into main", author: "dev", headRef: "feature", baseRef: "main" });
  app.fake.openPullRequest(app.repo, { number: 2, title: "into lax", author: "dev", headRef: "feature", baseRef: "lax" });
});
afterAll(async () => {
  await app.close();
  await repo.remove();
});

const opened = (number: number) =>
  examplePayload("pull_request", "opened", (p) => {
    p.number = number;
    p.pull_request.number = number;
  });

describe("one head commit open into two bases", () => {
  it("stays failed when the PR into the laxer base is judged, naming each base", async () => {
    expect(await app.deliver("pull_request", opened(1))).toBe(200);
    await app.queue.onIdle();
    expect(await app.deliver("pull_request", opened(2))).toBe(200);
    await app.queue.onIdle();
    const runs = app.repo.checkRuns.filter((r) => r.head_sha === head);
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run.conclusion).toBe("failure");
    expect(run.output.title).toMatch(/^into main \(#1\): \d+ new errors?; into lax \(#2\): All governed files are valid$/);
    expect(run.output.summary).toMatch(/❌ \*\*into main \(#1\)\*\*: failure \(\d+ new errors?\)/);
    expect(run.output.summary).toContain("✅ **into lax (#2)**: success (All governed files are valid)");
    expect(run.output.annotations).toContainEqual(expect.objectContaining({ path: "k8s/web.yaml", start_line: 6, annotation_level: "failure", title: "schema/type [into main]" }));
    expect(run.output.annotations.every((a) => String(a.title).endsWith("[into main]"))).toBe(true);
    // Each PR keeps its own preview comment, from its own base's point of view.
    expect(app.repo.comments.filter((c) => c.issueNumber === 1)).toHaveLength(1);
    expect(app.repo.comments.filter((c) => c.issueNumber === 2)).toHaveLength(1);
    expect(app.repo.comments.find((c) => c.issueNumber === 2)!.body).toContain("✅");
  });
});
