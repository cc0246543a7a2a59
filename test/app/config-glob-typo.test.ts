import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { examplePayload, startApp, type AppHarness } from "../support/app-harness.js";

// A typo in a glob of the config turns validation off for the files it meant, without a word. The
// pull request that brings the typo is the one to tell: the App lists the head's tree for it (one
// request), and only when the pull request edits the config.
const config = "version: 1\nfiles: ['apps/**/*.yaml']\nschemas:\n  - files: 'apps/**'\n    schema: kubernetes\n";
const configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n";

let repo: TestRepo;
let app: AppHarness;

beforeAll(async () => {
  repo = await createTestRepo({ ".github/gitgate.yml": config, "apps/web.yaml": configMap });
  await repo.branch("pr-1", "main", { ".github/gitgate.yml": config.replace("['apps/**/*.yaml']", "['apps/**/*.yaml', 'clustrs/**/*.yaml']") });
  await repo.branch("pr-2", "main", { "apps/web.yaml": configMap.replace("web", "web-2") });
});
afterAll(() => repo.remove());
beforeEach(async () => {
  app = await startApp(repo.dir);
});
afterEach(() => app.close());

async function open(number: number) {
  app.fake.openPullRequest(app.repo, { number, title: `pr ${number}`, author: "dev", headRef: `pr-${number}`, baseRef: "main" });
  expect(await app.deliver("pull_request", examplePayload("pull_request", "opened", (p) => {
    p.number = number;
    p.pull_request.number = number;
  }))).toBe(200);
  await app.queue.onIdle();
  const head = await repo.sha(`pr-${number}`);
  const runs = app.repo.checkRuns.filter((r) => r.name === "gitgate/validate" && r.head_sha === head);
  expect(runs).toHaveLength(1);
  return { run: runs[0]!, head };
}

describe("a config glob that matches no file, in the App", () => {
  it("is a warning on the line of the pull request that brings it", async () => {
    const { run, head } = await open(1);
    expect(run.conclusion).toBe("success");
    expect(run.output.annotations.filter((a) => a.annotation_level === "warning")).toEqual([expect.objectContaining({
      path: ".github/gitgate.yml", start_line: 2, end_line: 2,
      message: expect.stringContaining(`files[1]: "clustrs/**/*.yaml" matches no file at the head (${head.slice(0, 12)}), so it selects nothing: check it for a typo, or remove it`),
    })]);
    expect(app.fake.requests.filter((r) => /\/git\/trees\//.test(r.url))).toHaveLength(1);
  });

  it("costs no request when the pull request does not edit the config", async () => {
    const { run } = await open(2);
    expect(run.conclusion).toBe("success");
    expect(run.output.annotations.filter((a) => a.annotation_level === "warning")).toEqual([]);
    expect(app.fake.requests.filter((r) => /\/git\/trees\//.test(r.url))).toEqual([]);
  });
});
