import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { examplePayload, startApp, type AppHarness } from "../support/app-harness.js";

// The App renders like the CLI: in the evaluation worker, reading the commits' trees from GitHub.
let repo: TestRepo;
let app: AppHarness;
const deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: { app: web }\n  template:\n    metadata:\n      labels: { app: web }\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.0\n";
const overlay = (tag: string) => `resources:\n  - ../../base\nimages:\n  - name: nginx\n    newTag: "${tag}"\n`;

beforeAll(async () => {
  repo = await createTestRepo({
    ".github/gitgate.yml": "version: 1\npolicies:\n  builtin: [kubernetes]\n",
    "apps/web/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
    "apps/web/base/deployment.yaml": deployment,
    "apps/web/overlays/prod/kustomization.yaml": overlay("1.27.0"),
  });
  await repo.branch("latest", "main", { "apps/web/overlays/prod/kustomization.yaml": overlay("latest") });
  app = await startApp(repo.dir);
  app.fake.openPullRequest(app.repo, { number: 1, title: "latest", author: "dev", headRef: "latest", baseRef: "main" });
});
afterAll(async () => {
  await app.close();
  await repo.remove();
});

describe("a pull request that sets an overlay's image tag to latest", () => {
  it("fails gitgate/validate with the rendered Deployment's finding annotated on the kustomization line", async () => {
    expect(await app.deliver("pull_request", examplePayload("pull_request", "opened", (p) => {
      p.number = 1;
      p.pull_request.number = 1;
    }))).toBe(200);
    await app.queue.onIdle();
    const validate = app.repo.checkRuns.find((r) => r.name === "gitgate/validate")!;
    expect(validate).toMatchObject({ status: "completed", conclusion: "failure" });
    const annotations = (validate.output.annotations ?? []) as { path: string; start_line: number; message: string }[];
    expect(annotations.filter((a) => a.message.includes(":latest")).map((a) => `${a.path}:${a.start_line}`)).toEqual(["apps/web/overlays/prod/kustomization.yaml:5"]);
  }, 60_000);
});
