import { afterEach, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { examplePayload, startApp, type AppHarness } from "../support/app-harness.js";
import { branchWithLinks } from "../support/repo-links.js";

const privilegedPod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: root\nspec:\n  containers:\n    - name: c\n      image: busybox:1.36\n      securityContext:\n        privileged: true\n";
const someCommit = "0123456789abcdef0123456789abcdef01234567";

let repo: TestRepo | undefined;
let app: AppHarness | undefined;
afterEach(async () => {
  await app?.close();
  await repo?.remove();
  app = undefined;
  repo = undefined;
});

async function openPullRequests(dir: string, prs: { head: string; base?: string }[]): Promise<AppHarness> {
  app = await startApp(dir);
  for (const [i, pr] of prs.entries()) {
    app.fake.openPullRequest(app.repo, { number: i + 1, title: pr.head, author: "dev", headRef: pr.head, baseRef: pr.base ?? "main" });
  }
  return app;
}

async function evaluate(app: AppHarness, number: number) {
  const before = app.fake.apiRequests.length;
  await app.deliver("pull_request", examplePayload("pull_request", "opened", (p) => {
    p.number = number;
    p.pull_request.number = number;
  }));
  await app.queue.onIdle();
  const run = app.repo.checkRuns.at(-1)!;
  const graphql = app.fake.apiRequests.slice(before).filter((r) => r.url.endsWith("/graphql")).length;
  return { conclusion: run.conclusion, annotations: run.output.annotations.map((a) => `${a.path}:${a.start_line} ${a.title}`), graphql, text: JSON.stringify(run.output) };
}

describe("the App and symlinks or submodules in a pull request", () => {
  it("fails a symlink and a submodule under governed paths, in the same number of queries as plain files", async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\nignore: ['unchecked/**']\npolicies:\n  builtin: [kubernetes]\n",
      "unchecked/pod.yaml": privilegedPod,
    });
    await branchWithLinks(repo, "links", "main", { symlinks: { "k8s/pod.yaml": "../unchecked/pod.yaml" }, gitlinks: { "k8s/charts": someCommit } });
    await repo.branch("plain", "main", { "k8s/a.yaml": "a: 1\n", "k8s/b.yaml": "b: 1\n" });
    const app = await openPullRequests(repo.dir, [{ head: "links" }, { head: "plain" }]);
    const links = await evaluate(app, 1);
    expect(links.conclusion).toBe("failure");
    expect(links.annotations).toEqual(["k8s/charts:1 file/submodule", "k8s/pod.yaml:1 file/symlink"]);
    expect(links.text).toContain("does not follow links");
    const plain = await evaluate(app, 2);
    expect(plain.conclusion).toBe("success");
    expect(links.graphql).toBe(plain.graphql);
  });

  it("refuses an exceptions file committed as a symlink at the base, on the config", async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\nignore: ['unchecked/**']\npolicies:\n  builtin: [kubernetes]\n",
      "unchecked/exc.yml": "exceptions:\n  - rule: k8s/privileged\n    files: ['k8s/**']\n    reason: waived\n    owner: '@mallory'\n    expires: '2099-01-01'\n",
    });
    await branchWithLinks(repo, "linked-base", "main", { symlinks: { ".github/gitgate-exceptions.yml": "../unchecked/exc.yml" } });
    await repo.branch("pod", "linked-base", { "k8s/pod.yaml": privilegedPod });
    const app = await openPullRequests(repo.dir, [{ head: "pod", base: "linked-base" }]);
    const result = await evaluate(app, 1);
    expect(result.conclusion).toBe("failure");
    // The linked exceptions file waives nothing: the privileged Pod it meant to excuse is reported too.
    expect(result.annotations).toContain(".github/gitgate.yml:1 config/path");
    expect(result.annotations).toContain("k8s/pod.yaml:10 k8s/privileged");
    expect(result.text).toContain(".github/gitgate-exceptions.yml is a symbolic link");
  });
});
