import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { guardState } from "../../src/fake-github/fake-guard-routes.js";
import { fakeProtectionOf, fullProtection } from "../../src/fake-github/fake-protection.js";
import { runGit } from "../../src/git/run-git.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { appId, examplePayload, startApp, type AppHarness } from "../support/app-harness.js";
import { guardFlow } from "../support/guard-flow.js";
import { mergePull, type MergeMethod } from "../support/merge-pull.js";

// The guard through the real server against the fake GitHub: every commit that reaches `main` gets a
// gitgate/guard run saying which pull request it came through, or an incident when it bypassed one.
const config = (onBypass = "[check, issue, revert]") => `version: 1
schemas:
  - files: "apps/*/values.yaml"
    schema: schemas/values.schema.json
approvals:
  rules:
    - name: review
      count: 1
protect:
  on_bypass: ${onBypass}
`;
const schema = JSON.stringify({ type: "object", properties: { replicas: { type: "integer" } } });

let repo: TestRepo;
let app: AppHarness;
let flow: ReturnType<typeof guardFlow>;

beforeEach(async () => {
  repo = await createTestRepo({ ".github/gitgate.yml": config(), "schemas/values.schema.json": schema, "apps/web/values.yaml": "replicas: 1\n", "README.md": "hello\n" });
  app = await startApp(repo.dir);
  app.repo.writers.add("alice");
  flow = guardFlow(app, repo);
  merged0 = await repo.sha("main");
});
afterEach(async () => {
  await app.close();
  await repo.remove();
});
let merged0 = "";
const deliver: ReturnType<typeof guardFlow>["deliver"] = (...args) => flow.deliver(...args);
const openPr = (commits: Record<string, string>[]) => flow.openPr(commits);
const prEvent: ReturnType<typeof guardFlow>["prEvent"] = (...args) => flow.prEvent(...args);
const approve = (number: number) => flow.approve(number);
const merge = (number: number, method: MergeMethod) => flow.merge(number, method);
const push: ReturnType<typeof guardFlow>["push"] = (...args) => flow.push(...args);

const guardRuns = () => app.repo.checkRuns.filter((r) => r.name === "gitgate/guard");
const guardOf = (sha: string) => {
  const runs = guardRuns().filter((r) => r.head_sha === sha);
  expect(runs).toHaveLength(1);
  return runs[0]!;
};
const incidents = () => guardState(app.repo).issues;
const revertPulls = () => [...app.repo.pulls.values()].filter((p) => p.headRef.startsWith("gitgate/revert/"));

describe("gitgate/guard: no false alarm on a normal merge of any kind", () => {
  it("a merge commit: the branch's commits and the merge each get a success naming the pull request", async () => {
    const number = await openPr([{ "apps/web/values.yaml": "replicas: 2\n" }, { "README.md": "two\n" }]);
    const { landed, after } = await merge(number, "merge");
    const commits = (await runGit(repo.dir, ["rev-list", `${merged0}..${after}`])).toString().split("\n").filter(Boolean);
    expect(commits).toHaveLength(3);
    for (const sha of commits) expect(guardOf(sha)).toMatchObject({ conclusion: "success", output: { title: `Came through pull request #${number} (merge commit)` } });
    expect(landed).toHaveLength(3);
    expect(incidents()).toEqual([]);
  });

  it("a squash merge", async () => {
    const number = await openPr([{ "apps/web/values.yaml": "replicas: 2\n" }, { "README.md": "two\n" }]);
    const { landed } = await merge(number, "squash");
    expect(landed).toHaveLength(1);
    expect(guardOf(landed[0]!)).toMatchObject({ conclusion: "success", output: { title: `Came through pull request #${number} (squash)` } });
    expect(incidents()).toEqual([]);
  });

  it("a rebase merge: every rebased commit", async () => {
    const number = await openPr([{ "apps/web/values.yaml": "replicas: 2\n" }, { "README.md": "two\n" }]);
    const { landed } = await merge(number, "rebase");
    expect(landed).toHaveLength(2);
    for (const sha of landed) expect(guardOf(sha)).toMatchObject({ conclusion: "success", output: { title: `Came through pull request #${number} (rebase)` } });
    expect(incidents()).toEqual([]);
  });

  it("a merge queue: the group head the queue checked", async () => {
    const number = await openPr([{ "apps/web/values.yaml": "replicas: 2\n" }]);
    const { landed } = await merge(number, "queue");
    expect(landed).toHaveLength(1);
    expect(app.repo.checkRuns.filter((r) => r.head_sha === landed[0]).map((r) => [r.name, r.conclusion])).toEqual([
      ["gitgate/validate", "success"], ["gitgate/approval", "success"], ["gitgate/guard", "success"],
    ]);
    expect(guardOf(landed[0]!).output.title).toBe(`Came through pull request #${number} (merge queue)`);
    expect(incidents()).toEqual([]);
  });
});

describe("gitgate/guard: bypasses are incidents", () => {
  it("a direct push: failing guard naming who and what, one issue, one revert PR restoring the tree before it", async () => {
    const before = await repo.sha("main");
    await repo.commit("main", { "apps/web/values.yaml": "replicas: 9\n" });
    const after = await repo.sha("main");
    await push(before, after);
    const run = guardOf(after);
    expect(run).toMatchObject({ conclusion: "failure", output: { title: "Bypass: no pull request merged into main brought this commit: it was pushed directly" } });
    expect(run.output.summary).toContain("| Who | mallory |");
    expect(run.details_url).toBe(`https://github.com/acme/platform-config/issues/${incidents()[0]!.number}`);
    expect(incidents()).toHaveLength(1);
    expect(incidents()[0]).toMatchObject({ title: `Gitgate guard: main received ${after.slice(0, 12)} outside an approved pull request`, labels: ["gitgate-bypass"], state: "open" });
    expect(incidents()[0]!.body).toContain(`<!-- gitgate:bypass ${after} -->`);
    expect(incidents()[0]!.body).toContain("no pull request merged into main brought this commit");
    expect(guardState(app.repo).labels.has("gitgate-bypass")).toBe(true);
    const [revert] = revertPulls();
    expect(revert).toMatchObject({ baseRef: "main", headRef: `gitgate/revert/${after.slice(0, 12)}`, state: "open" });
    const tree = async (rev: string) => (await runGit(repo.dir, ["rev-parse", `${rev}^{tree}`])).toString().trim();
    expect(await tree(revert!.headRef)).toBe(await tree(before));
    expect((await runGit(repo.dir, ["rev-parse", `${revert!.headRef}^`])).toString().trim()).toBe(after);
  });

  // The config is read at the tip before a push: after a direct push that dropped `protect:` (flagged),
  // that tip was the bypass itself, and the next direct push was not judged at all.
  it("a bypass that drops protect: does not switch the guard off for the pushes after it", async () => {
    const start = await repo.sha("main");
    await repo.commit("main", { ".github/gitgate.yml": "version: 1\n" });
    const drop = await repo.sha("main");
    await push(start, drop);
    expect(guardOf(drop).conclusion).toBe("failure");
    await repo.commit("main", { "apps/web/values.yaml": "replicas: 99\n" });
    const evil = await repo.sha("main");
    await push(drop, evil);
    expect(guardOf(evil)).toMatchObject({ conclusion: "failure", output: { title: "Bypass: no pull request merged into main brought this commit: it was pushed directly" } });
    expect(incidents()).toHaveLength(2);
  });

  it("an issue someone else wrote with the incident's marker does not silence the incident", async () => {
    const before = await repo.sha("main");
    await repo.commit("main", { "README.md": "pushed\n" });
    const after = await repo.sha("main");
    // The pusher knows the commit before pushing it, and files a decoy carrying its marker and label.
    incidents().push({ number: 900, title: "nothing to see", body: `<!-- gitgate:bypass ${after} -->`, state: "closed", labels: ["gitgate-bypass"], author: { login: "mallory" } });
    await push(before, after);
    expect(incidents().filter((i) => i.number !== 900).map((i) => i.title)).toEqual([`Gitgate guard: main received ${after.slice(0, 12)} outside an approved pull request`]);
  });

  it("duplicate deliveries (the same delivery twice, and a redelivery): one issue, one revert PR, one guard run", async () => {
    const before = await repo.sha("main");
    await repo.commit("main", { "README.md": "pushed\n" });
    const after = await repo.sha("main");
    await push(before, after, { id: "delivery-1" });
    await push(before, after, { id: "delivery-1" });
    await push(before, after, { id: "delivery-2" });
    expect(incidents()).toHaveLength(1);
    expect(revertPulls()).toHaveLength(1);
    expect(guardOf(after).conclusion).toBe("failure");
  });

  it("the revert PR, merged normally, raises no new incident", async () => {
    const before = await repo.sha("main");
    await repo.commit("main", { "README.md": "pushed\n" });
    await push(before, await repo.sha("main"));
    const revert = revertPulls()[0]!;
    flow.setNext(revert.number + 1);
    await prEvent("opened", revert.number);
    await approve(revert.number);
    const { after } = await merge(revert.number, "merge");
    expect(guardOf(after)).toMatchObject({ conclusion: "success", output: { title: `Came through pull request #${revert.number} (merge commit)` } });
    expect(incidents()).toHaveLength(1);
    expect(revertPulls()).toHaveLength(1);
  });

  it("an admin merge past a failing gitgate/validate: caught at merge time, one incident", async () => {
    const number = await openPr([{ "apps/web/values.yaml": "replicas: two\n" }]);
    expect(app.repo.checkRuns.find((r) => r.name === "gitgate/validate")?.conclusion).toBe("failure");
    const { after } = await merge(number, "merge");
    expect(guardOf(after)).toMatchObject({ conclusion: "failure", output: { title: `Bypass: pull request #${number} was merged past gitgate/validate (failure) on its merged head ${(await repo.sha(`pr-${number}`)).slice(0, 12)}` } });
    expect(guardOf(after).output.summary).toContain("| Who | maintainer |");
    expect(incidents()).toHaveLength(1);
    expect(incidents()[0]!.body).toContain(`[#${number}](https://github.com/acme/platform-config/pull/${number})`);
  });

  it("a protection incident on the branch head stays failing when the push that made that head is verified again", async () => {
    const number = await openPr([{ "apps/web/values.yaml": "replicas: 2\n" }]);
    fakeProtectionOf(app.repo).classic.set("main", fullProtection(appId, { enforce_admins: false }));
    const { before, after } = await merge(number, "squash");
    await app.sweepProtection();
    await app.queue.onIdle();
    const onHead = () => guardRuns().filter((r) => r.head_sha === after).map((r) => [r.conclusion, r.output.title]);
    expect(onHead()).toEqual([["success", `Came through pull request #${number} (squash)`], ["failure", "main is not protected as Gitgate expects"]]);
    // GitHub redelivers the push (a new delivery id).
    await push(before, after, { id: "redelivered", sender: "maintainer" });
    await app.sweepProtection();
    await app.queue.onIdle();
    expect(onHead()).toEqual([["success", `Came through pull request #${number} (squash)`], ["failure", "main is not protected as Gitgate expects"]]);
  });

  it("an admin rebase merge past a failing gitgate/validate: one incident and one revert for all its commits", async () => {
    const number = await openPr([{ "apps/web/values.yaml": "replicas: two\n" }, { "README.md": "two\n" }, { "README.md": "three\n" }]);
    const { landed } = await merge(number, "rebase");
    expect(landed).toHaveLength(3);
    for (const sha of landed) expect(guardOf(sha).conclusion).toBe("failure");
    expect(incidents()).toHaveLength(1);
    expect(revertPulls()).toHaveLength(1);
  });

  it("a merge whose approval was for an earlier head: an incident naming gitgate/approval", async () => {
    const number = await openPr([{ "apps/web/values.yaml": "replicas: 2\n" }]);
    expect(app.repo.checkRuns.filter((r) => r.name === "gitgate/approval").at(-1)?.conclusion).toBe("success");
    await repo.commit(`pr-${number}`, { "apps/web/values.yaml": "replicas: 3\n" });
    await prEvent("synchronize", number);
    const { after } = await merge(number, "squash");
    const head = await repo.sha(`pr-${number}`);
    expect(guardOf(after)).toMatchObject({ conclusion: "failure", output: { title: `Bypass: pull request #${number} was merged past gitgate/approval (action_required) on its merged head ${head.slice(0, 12)}` } });
    expect(incidents()).toHaveLength(1);
  });

  it("deleting a protected branch is an incident: one issue however often GitHub delivers it, and its tip's guard run fails", async () => {
    await repo.commit("main", { ".github/gitgate.yml": `${config()}  branches: [main, "release/*"]\n` });
    await runGit(repo.dir, ["update-ref", "refs/heads/release/1", await repo.sha("main")]);
    const tip = await repo.sha("release/1");
    for (const id of ["deleted", "deleted-again"]) {
      await deliver("push", undefined, (p) => {
        Object.assign(p, { ref: "refs/heads/release/1", before: tip, after: "0".repeat(40), created: false, deleted: true, forced: false, commits: [] });
        p.repository.default_branch = "main";
        p.sender = { ...p.sender, login: "mallory" };
      }, id);
    }
    expect(incidents().map((i) => i.title)).toEqual([`Gitgate guard: release/1 was deleted (its tip was ${tip.slice(0, 12)})`]);
    expect(incidents()[0]!.body).toContain(`git push origin ${tip}:refs/heads/release/1`);
    expect(guardOf(tip)).toMatchObject({ conclusion: "failure", output: { title: "Branch deleted: release/1" } });
  });

  it("a push it cannot verify fails its tip's guard run, once however often it is delivered", async () => {
    const before = await repo.sha("main");
    await repo.commit("main", { "README.md": "pushed\n" });
    const after = await repo.sha("main");
    app.fake.failNext("GET", /\/compare\//, 422, 10);
    await push(before, after);
    await push(before, after, { id: "redelivered" });
    expect(guardOf(after)).toMatchObject({ conclusion: "failure", output: { title: "Could not verify where this commit came from" } });
  });

  it("a force push back to an older commit leaves that commit one guard run, however often it is delivered", async () => {
    const number = await openPr([{ "apps/web/values.yaml": "replicas: 2\n" }]);
    const merged = await merge(number, "squash");
    await repo.commit("main", { "README.md": "pushed\n" });
    const pushed = await repo.sha("main");
    await push(merged.after, pushed);
    await runGit(repo.dir, ["update-ref", "refs/heads/main", merged.after]);
    await push(pushed, merged.after, { forced: true });
    await push(pushed, merged.after, { forced: true, id: "redelivered" });
    expect(guardOf(merged.after)).toMatchObject({ conclusion: "failure", output: { title: "Force push: history of main rewritten" } });
  });

  it("a force push that rewrites history is an incident even when its new commit came through a pull request", async () => {
    const start = await repo.sha("main");
    await repo.commit("main", { "README.md": "one\n" });
    await repo.commit("main", { "README.md": "two\n" });
    const old = await repo.sha("main");
    await runGit(repo.dir, ["reset", "-q", "--hard", start]);
    await push(old, start, { forced: true });
    expect(guardOf(start)).toMatchObject({ conclusion: "failure", output: { title: "Force push: history of main rewritten" } });
    expect(incidents()[0]!.title).toBe("Gitgate guard: force push rewrote main");
    const tree = async (rev: string) => (await runGit(repo.dir, ["rev-parse", `${rev}^{tree}`])).toString().trim();
    expect(await tree(revertPulls()[0]!.headRef)).toBe(await tree(old));
  });
});

describe("gitgate/guard: pushes in quick succession", () => {
  it("verifies every push of a burst, not only the newest (the queue coalesces a branch's waiting jobs)", async () => {
    const shas = [await repo.sha("main")];
    for (const text of ["one\n", "two\n", "three\n"]) {
      await repo.commit("main", { "README.md": text });
      shas.push(await repo.sha("main"));
    }
    const payload = (i: number) => examplePayload("push", undefined, (p) => {
      Object.assign(p, { ref: "refs/heads/main", before: shas[i], after: shas[i + 1], created: false, deleted: false, forced: false });
      p.repository.default_branch = "main";
      p.commits = [{ id: shas[i + 1], added: [], modified: ["README.md"], removed: [] }];
    });
    expect(await Promise.all([0, 1, 2].map((i) => app.deliver("push", payload(i))))).toEqual([200, 200, 200]);
    await app.queue.onIdle();
    for (const sha of shas.slice(1)) expect(guardOf(sha).conclusion).toBe("failure");
  });
});

describe("gitgate/guard: what it leaves alone", () => {
  it("tags, unprotected branches (pushed or deleted) and pull requests closed without merging", async () => {
    const main = await repo.sha("main");
    await deliver("push", undefined, (p) => {
      p.ref = "refs/tags/v1";
      p.before = "0".repeat(40);
      p.after = main;
      p.created = true;
      p.repository.default_branch = "main";
    });
    await repo.branch("feature", "main", { "README.md": "feature\n" });
    await push(main, await repo.sha("feature"), { ref: "refs/heads/feature" });
    await deliver("push", undefined, (p) => {
      Object.assign(p, { ref: "refs/heads/feature", before: main, after: "0".repeat(40), created: false, deleted: true, commits: [] });
      p.repository.default_branch = "main";
    });
    const number = await openPr([{ "README.md": "x\n" }]);
    app.repo.pulls.get(number)!.state = "closed";
    await prEvent("closed", number, (p) => {
      p.pull_request.merged = false;
    });
    expect(guardRuns()).toEqual([]);
    expect(incidents()).toEqual([]);
  });

  it("a branch created from another protected branch takes the pull requests merged into that one", async () => {
    await repo.commit("main", { ".github/gitgate.yml": `${config()}  branches: [main, "release/*"]\n` });
    await runGit(repo.dir, ["update-ref", "refs/heads/release/1", await repo.sha("main")]);
    await repo.branch("fix-1", "release/1", { "README.md": "hotfix\n" });
    app.fake.openPullRequest(app.repo, { number: 1, title: "hotfix", author: "dev", headRef: "fix-1", baseRef: "release/1" });
    await prEvent("opened", 1, (p) => (p.pull_request.base.ref = "release/1"));
    await approve(1);
    const merged = await mergePull(repo, app.repo, 1, "merge");
    await push(merged.before, merged.after, { ref: "refs/heads/release/1", sender: "maintainer" });
    const landed = (await runGit(repo.dir, ["rev-list", `${merged.before}..${merged.after}`])).toString().split("\n").filter(Boolean);
    for (const sha of landed) expect(guardOf(sha).conclusion).toBe("success");
    await runGit(repo.dir, ["update-ref", "refs/heads/release/1.1", merged.after]);
    await deliver("push", undefined, (p) => {
      Object.assign(p, { ref: "refs/heads/release/1.1", before: "0".repeat(40), after: merged.after, created: true, deleted: false, forced: false, commits: [] });
      p.repository.default_branch = "main";
    });
    for (const sha of landed) expect(guardOf(sha)).toMatchObject({ conclusion: "success", output: { title: "Came through pull request #1 (merge commit)" } });
    expect(incidents()).toEqual([]);
  });

  it("protect.branches unset watches the repository's default branch, whatever its name", async () => {
    const before = await repo.sha("main");
    await repo.commit("main", { "README.md": "pushed\n" });
    const after = await repo.sha("main");
    await deliver("push", undefined, (p) => {
      Object.assign(p, { ref: "refs/heads/main", before, after, created: false, deleted: false, forced: false, commits: [] });
      p.repository.default_branch = "trunk";
    });
    expect(guardRuns()).toEqual([]);
    await flow.push(before, after);
    expect(guardOf(after).conclusion).toBe("failure");
  });

  it("with on_bypass: [check] only the failing check: no issue, no revert", async () => {
    const merged = await merge(await openPr([{ ".github/gitgate.yml": config("[check]") }]), "squash");
    await repo.commit("main", { "README.md": "pushed\n" });
    const direct = await repo.sha("main");
    await push(merged.after, direct);
    expect(guardOf(direct).conclusion).toBe("failure");
    expect(incidents()).toHaveLength(0);
    expect(revertPulls()).toHaveLength(0);
  });

  it("a config weakened by a bypass does not judge the pushes after it: the config before the bypass still does", async () => {
    const before = await repo.sha("main");
    await repo.commit("main", { ".github/gitgate.yml": config("[check]") });
    await repo.commit("main", { "README.md": "pushed\n" });
    const mid = await repo.sha("main~1");
    await push(before, mid);
    await push(mid, await repo.sha("main"));
    expect(guardRuns().map((r) => r.conclusion)).toEqual(["failure", "failure"]);
    // Both judged by the config before the first (issue and revert each).
    expect(incidents()).toHaveLength(2);
    expect(revertPulls()).toHaveLength(2);
  });
});
