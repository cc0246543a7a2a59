import { afterEach, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { examplePayload, installationId, startApp, type AppHarness } from "../support/app-harness.js";

const kubernetesConfig = "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\n";
const badConfigMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  n: 1\n";

let repos: TestRepo[] = [];
let app: AppHarness | undefined;
afterEach(async () => {
  await app?.close();
  for (const repo of repos) await repo.remove();
  repos = [];
  app = undefined;
});

async function setup(repoFiles: Record<string, string>, orgConfig: string) {
  const repo = await createTestRepo(repoFiles);
  await repo.branch("feature", "main", { "k8s/a.yaml": badConfigMap, "k8s/legacy/b.yaml": badConfigMap });
  const org = await createTestRepo({ ".github/gitgate.yml": orgConfig });
  repos.push(repo, org);
  app = await startApp(repo.dir);
  app.fake.addRepository("acme", ".github", org.dir, installationId);
  app.fake.openPullRequest(app.repo, { number: 1, title: "feature", author: "dev", headRef: "feature", baseRef: "main" });
  await app.deliver("pull_request", examplePayload("pull_request", "opened", (p) => {
    p.number = 1;
    p.pull_request.number = 1;
  }));
  await app.queue.onIdle();
  return app;
}

describe("organisation defaults from the org's .github repository", () => {
  it("govern a repository that has no config of its own", async () => {
    const app = await setup({ "README.md": "# no config\n" }, kubernetesConfig);
    expect(app.repo.checkRuns.map((r) => [r.conclusion, r.output.annotations.map((a) => `${a.path}:${a.start_line} ${a.title}`)])).toEqual([
      // The key `n` is the boolean false to kubectl in a manifest: a warning beside the error.
      ["failure", ["k8s/a.yaml:6 schema/type", "k8s/legacy/b.yaml:6 schema/type", "k8s/a.yaml:6 yaml/yaml11-boolean", "k8s/legacy/b.yaml:6 yaml/yaml11-boolean"]],
    ]);
  });

  it("are inherited section by section with _extends, the repository's own sections winning", async () => {
    // The repository sets its own `ignore` and inherits the org's schemas (it has none of its own).
    const app = await setup({ ".github/gitgate.yml": "version: 1\n_extends: .github\nignore: ['k8s/legacy/**']\n" }, `${kubernetesConfig}ignore: ['nothing/**']\n`);
    expect(app.repo.checkRuns.map((r) => [r.conclusion, r.output.annotations.map((a) => `${a.path}:${a.start_line} ${a.title}`)])).toEqual([
      ["failure", ["k8s/a.yaml:6 schema/type", "k8s/a.yaml:6 yaml/yaml11-boolean"]],
    ]);
  });

  it("inherit the organisation's approval rules: gitgate/approval waits for them", async () => {
    const orgApprovals = `${kubernetesConfig}approvals:\n  rules:\n    - name: review\n      count: 2\n`;
    const app = await setup({ ".github/gitgate.yml": "version: 1\n_extends: .github\nignore: ['k8s/legacy/**']\n" }, orgApprovals);
    expect(app.repo.checkRuns.filter((r) => r.name === "gitgate/approval").map((r) => [r.conclusion, r.output.title])).toEqual([
      ["action_required", "Waiting for 2 more (review)"],
    ]);
  });

  it("leave approval rules out when the repository has its own config and does not inherit", async () => {
    const orgApprovals = `${kubernetesConfig}approvals:\n  rules:\n    - name: review\n      count: 2\n`;
    const app = await setup({ ".github/gitgate.yml": kubernetesConfig }, orgApprovals);
    expect(app.repo.checkRuns.filter((r) => r.name === "gitgate/approval")).toEqual([]);
  });
});
