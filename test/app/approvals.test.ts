import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeRequest } from "../../src/fake-github/fake-github.js";
import type { FakeReview } from "../../src/fake-github/fake-state.js";
import { recordedDigest, recordedJudgedFor } from "../../src/github/verdict-records.js";
import { baseRefKey } from "../../src/engine/judged-for.js";
import { runGit } from "../../src/git/run-git.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { examplePayload, startApp, type AppHarness } from "../support/app-harness.js";

const config = `version: 1
schemas:
  - files: "apps/*/values.yaml"
    schema: schemas/values.schema.json
approvals:
  rules:
    - name: review
      count: 1
    - name: production
      files: "clusters/production/**"
      teams: [sre]
    - name: payments owner
      files: "apps/payments/**"
      users: [carol]
    - name: release bot
      files: "apps/release/**"
      users: ["deploy-bot[bot]"]
`;
const schema = JSON.stringify({ type: "object", properties: { replicas: { type: "integer" } } });

let repo: TestRepo;
let app: AppHarness;
let next = 1;

beforeAll(async () => {
  repo = await createTestRepo({
    ".github/gitgate.yml": config,
    "schemas/values.schema.json": schema,
    "apps/web/values.yaml": "replicas: 1\n",
    "apps/payments/values.yaml": "replicas: 1\n",
    "clusters/production/app.yaml": "replicas: 1\n",
    "README.md": "hello\n",
  });
});
afterAll(() => repo.remove());
beforeEach(async () => {
  app = await startApp(repo.dir);
  for (const login of ["alice", "bob", "dave", "erin", "deploy-bot[bot]"]) app.repo.writers.add(login);
  app.repo.teams.set("sre", ["dave"]);
});
afterEach(() => app.close());

/** A new branch off `from` with these files, opened as a PR by `dev` and evaluated. */
async function openPr(files: Record<string, string | null>, options: { from?: string; base?: string } = {}): Promise<number> {
  const number = next++;
  await repo.branch(`pr-${number}`, options.from ?? "main", files);
  app.fake.openPullRequest(app.repo, { number, title: `pr ${number}`, author: "dev", headRef: `pr-${number}`, baseRef: options.base ?? "main" });
  await deliver("pull_request", "opened", number);
  return number;
}

async function deliver(event: string, action: string, number: number, patch: (p: Record<string, any>) => void = () => undefined) {
  expect(await app.deliver(event, examplePayload(event, action, (p) => {
    p.number = number;
    p.pull_request.number = number;
    patch(p);
  }))).toBe(200);
  await app.queue.onIdle();
}

/** Retargets the PR, as GitHub records it and tells the App (the examples have no "edited" payload with an installation: an "opened" one, edited). */
function retarget(number: number, from: string, to: string, automatic = false): Promise<void> {
  app.fake.retargetPullRequest(app.repo, number, to, { automatic });
  return deliver("pull_request", "opened", number, (p) => {
    p.action = "edited";
    p.changes = { base: { ref: { from }, sha: { from: "0".repeat(40) } } };
  });
}

async function review(number: number, user: string, state: FakeReview["state"], commitId?: string): Promise<FakeReview> {
  const submitted = await app.fake.submitReview(app.repo, { pullNumber: number, user, state, ...(commitId ? { commitId } : {}) });
  await deliver("pull_request_review", "submitted", number);
  return submitted;
}

async function approvalOf(number: number) {
  const head = await repo.sha(`pr-${number}`);
  const runs = app.repo.checkRuns.filter((r) => r.name === "gitgate/approval" && r.head_sha === head);
  expect(runs).toHaveLength(1);
  return runs[0]!;
}

describe("gitgate/approval", () => {
  it("waits with action_required and a link to the PR, and ignores the author's own approval", async () => {
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 2\n" });
    expect(await approvalOf(pr)).toMatchObject({ status: "completed", conclusion: "action_required", details_url: `https://github.com/acme/platform-config/pull/${pr}` });
    await review(pr, "dev", "APPROVED");
    const run = await approvalOf(pr);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain("Not counted: @dev (author of the pull request");
    await review(pr, "alice", "APPROVED");
    expect(await approvalOf(pr)).toMatchObject({ conclusion: "success", output: { title: "Approved: the rule satisfied" } });
  });

  it("does not count a commit contributor, a read-only reviewer or a bot", async () => {
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 3\n" });
    app.repo.commitActors.set(await repo.sha(`pr-${pr}`), { author: "erin", committer: "erin" });
    await review(pr, "erin", "APPROVED");
    await review(pr, "rita", "APPROVED");
    await review(pr, "deploy-bot[bot]", "APPROVED");
    const run = await approvalOf(pr);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain("Not counted: @erin (authored or committed a commit of the pull request");
    expect(run.output.summary).toContain("Not counted: @rita (no write access to the repository");
    expect(run.output.summary).toContain("Not counted: @deploy\\-bot\\[bot\\] (a bot");
  });

  // A commit names its author and committer by e-mail, and GitHub links them to whoever owns the
  // e-mail: bob can commit as dev. He cannot push as dev, and the branch's activity says who pushed.
  it("does not count a writer who pushed to the branch, whoever the commits name", async () => {
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 3\n" });
    const before = await repo.sha(`pr-${pr}`);
    await repo.commit(`pr-${pr}`, { "apps/web/values.yaml": "replicas: 30\n" });
    const after = await repo.sha(`pr-${pr}`);
    app.repo.commitActors.set(after, { author: "dev", committer: "dev" });
    app.fake.recordPush(app.repo, { branch: `pr-${pr}`, actor: "bob", before, after });
    await deliver("pull_request", "synchronize", pr);
    await review(pr, "bob", "APPROVED");
    const run = await approvalOf(pr);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain("Not counted: @bob (pushed to the pull request's branch");
    await review(pr, "alice", "APPROVED");
    expect((await approvalOf(pr)).conclusion).toBe("success");
  });

  // Only pushes that left the branch at one of its current commits counted: once dev rebased, bob's
  // push (his change, written under dev's name, still in the diff) was forgotten, and his approval counted.
  it("does not count a writer who pushed to the branch while the pull request was open, after a rebase rewrote the push", async () => {
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 6\n" });
    const before = await repo.sha(`pr-${pr}`);
    await repo.commit(`pr-${pr}`, { "apps/web/values.yaml": "replicas: 60\n" });
    const bobs = await repo.sha(`pr-${pr}`);
    app.fake.recordPush(app.repo, { branch: `pr-${pr}`, actor: "bob", before, after: bobs });
    // dev rebases: the same change, new commits, force-pushed.
    await runGit(repo.dir, ["-c", "user.name=Dev", "-c", "user.email=dev@gitgate.invalid", "commit-tree", "-p", "main", "-m", "rebased", `${bobs}^{tree}`]).then(async (out) => {
      await runGit(repo.dir, ["update-ref", `refs/heads/pr-${pr}`, out.toString().trim()]);
    });
    const rebased = await repo.sha(`pr-${pr}`);
    app.repo.commitActors.set(rebased, { author: "dev", committer: "dev" });
    app.fake.recordPush(app.repo, { branch: `pr-${pr}`, actor: "dev", before: bobs, after: rebased, type: "force_push" });
    await deliver("pull_request", "synchronize", pr);
    await review(pr, "bob", "APPROVED");
    const run = await approvalOf(pr);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain("Not counted: @bob (pushed to the pull request's branch");
  });

  // GitHub commits a merge into the branch itself (web-flow), naming the merged commits' authors: bob
  // merged his own pull request into dev's branch, its squash naming dev, then approved dev's.
  it("does not count a writer who merged a pull request into the branch", async () => {
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 5\n" });
    const before = await repo.sha(`pr-${pr}`);
    await repo.commit(`pr-${pr}`, { "apps/web/values.yaml": "replicas: 50\n" });
    const merged = await repo.sha(`pr-${pr}`);
    app.repo.commitActors.set(merged, { author: "dev", committer: "web-flow" });
    for (let i = 0; i < 3; i++) app.fake.recordPush(app.repo, { branch: `pr-${pr}`, actor: "merger", before: "0".repeat(40), after: "f".repeat(40), type: "pr_merge" });
    app.fake.recordPush(app.repo, { branch: `pr-${pr}`, actor: "bob", before, after: merged, type: "pr_merge" });
    await deliver("pull_request", "synchronize", pr);
    await review(pr, "bob", "APPROVED");
    const run = await approvalOf(pr);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain("Not counted: @bob (pushed to the pull request's branch");
  });

  // Only pushes of the pull request's own commits count: a branch name reused after an old branch was
  // deleted does not exclude that branch's pushers (erin's review must count, an approval as a block),
  // and a long-lived branch's merges do not fill the limit of what is read.
  it("counts only the pushes of the pull request's own commits, however busy the branch's name was", async () => {
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 8\n" });
    const main = await repo.sha("main");
    // The old branch's activity, long before this pull request was opened.
    const old = "2020-01-01T00:00:00Z";
    app.fake.recordPush(app.repo, { branch: `pr-${pr}`, actor: "erin", before: "0".repeat(40), after: main, type: "branch_creation", at: old });
    for (let i = 0; i < 1001; i++) app.fake.recordPush(app.repo, { branch: `pr-${pr}`, actor: "merger", before: main, after: main, type: "pr_merge", at: old });
    await review(pr, "erin", "APPROVED");
    expect((await approvalOf(pr)).conclusion).toBe("success");
  });

  it("fails closed when GitHub names nobody for a push of the pull request's commits", async () => {
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 9\n" });
    const head = await repo.sha(`pr-${pr}`);
    app.fake.recordPush(app.repo, { branch: `pr-${pr}`, actor: null, before: await repo.sha("main"), after: head });
    await review(pr, "alice", "APPROVED");
    const run = await approvalOf(pr);
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toContain(`GitHub names nobody for the push of ${head.slice(0, 12)} to the pull request\\'s branch\\, so who pushed it cannot be known`);
  });

  it("fails closed when a commit has more co-authors than GitHub lists: a contributor could be approving", async () => {
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 4\n" });
    const coAuthors = Array.from({ length: 10 }, (_, i) => `pair${i}`);
    app.repo.commitActors.set(await repo.sha(`pr-${pr}`), { author: "dev", coAuthors: [...coAuthors, "bob"], committer: "dev" });
    await review(pr, "bob", "APPROVED");
    const run = await approvalOf(pr);
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toContain("more than 10 authors");
  });

  it("does not count a user the rule names without write access, and needs both rules that match", async () => {
    const pr = await openPr({ "apps/payments/values.yaml": "replicas: 2\n" });
    await review(pr, "carol", "APPROVED");
    expect((await approvalOf(pr)).output.summary).toContain("Not counted: @carol (no write access to the repository");
    await review(pr, "alice", "APPROVED");
    // alice satisfies "review" (anyone with write access), not "payments owner".
    expect((await approvalOf(pr)).output.title).toBe("Waiting for 1 more (payments owner)");
    app.repo.writers.add("carol");
    await review(pr, "carol", "APPROVED");
    expect((await approvalOf(pr)).conclusion).toBe("success");
  });

  it("counts a team member for a team rule, not a non-member (one team query)", async () => {
    const pr = await openPr({ "clusters/production/app.yaml": "replicas: 2\n" });
    await review(pr, "bob", "APPROVED");
    expect((await approvalOf(pr)).output.title).toBe("Waiting for 1 more (production)");
    expect((await approvalOf(pr)).output.summary).toContain("Not counted: @bob (not among the rule's users or teams");
    await review(pr, "dave", "APPROVED");
    expect((await approvalOf(pr)).conclusion).toBe("success");
  });

  it("counts a bot a rule names as GitHub writes it (deploy-bot[bot])", async () => {
    const pr = await openPr({ "apps/release/values.yaml": "replicas: 2\n" });
    await review(pr, "deploy-bot[bot]", "APPROVED");
    expect((await approvalOf(pr)).output.title).toBe("Waiting for 1 more (review)");
    await review(pr, "alice", "APPROVED");
    expect((await approvalOf(pr)).conclusion).toBe("success");
  });

  it("does not count a bot's approval of its own pull request, even when a rule names it", async () => {
    const number = next++;
    await repo.branch(`pr-${number}`, "main", { "apps/release/values.yaml": "replicas: 3\n" });
    app.fake.openPullRequest(app.repo, { number, title: "release", author: "deploy-bot[bot]", headRef: `pr-${number}`, baseRef: "main" });
    await deliver("pull_request", "opened", number);
    await review(number, "deploy-bot[bot]", "APPROVED");
    const run = await approvalOf(number);
    expect(run.output.title).toBe("Waiting for 1 more (review), 1 more (release bot)");
    expect(run.output.summary).toContain("Not counted: @deploy\\-bot\\[bot\\] (author of the pull request");
  });

  it("counts a team member whose login many other members' logins contain", async () => {
    app.repo.teams.set("sre", [...Array.from({ length: 12 }, (_, i) => `dave${i}`), "dave"]);
    const pr = await openPr({ "clusters/production/app.yaml": "replicas: 5\n" });
    await review(pr, "alice", "APPROVED");
    await review(pr, "dave", "APPROVED");
    expect((await approvalOf(pr)).conclusion).toBe("success");
  });

  it("applies a rule to a file moved out of its folder: it is removed from there", async () => {
    const pr = await openPr({ "clusters/production/app.yaml": null, "archive/app.yaml": "replicas: 1\n" });
    await review(pr, "bob", "APPROVED");
    expect((await approvalOf(pr)).output.title).toBe("Waiting for 1 more (production)");
    await review(pr, "dave", "APPROVED");
    expect((await approvalOf(pr)).conclusion).toBe("success");
  });

  it("keeps an approval across a rebase with the same governed diff, and drops it when the governed change differs", async () => {
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 4\n" });
    const approved = await repo.sha(`pr-${pr}`);
    await review(pr, "alice", "APPROVED");
    expect((await approvalOf(pr)).conclusion).toBe("success");
    // An ungoverned change on top: the governed diff is identical.
    await repo.commit(`pr-${pr}`, { "README.md": "hello again\n" });
    await deliver("pull_request", "synchronize", pr);
    expect(await repo.sha(`pr-${pr}`)).not.toBe(approved);
    expect((await approvalOf(pr)).conclusion).toBe("success");
    // A governed change: the approval is of another change now.
    await repo.commit(`pr-${pr}`, { "apps/web/values.yaml": "replicas: 5\n" });
    await deliver("pull_request", "synchronize", pr);
    const run = await approvalOf(pr);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain("Not counted: @alice (approved an older commit whose governed change differs");
  });

  it("drops an approval when a later commit only makes a governed file executable: no byte changed, but what runs did", async () => {
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 6\n" });
    await review(pr, "alice", "APPROVED");
    expect((await approvalOf(pr)).conclusion).toBe("success");
    await repo.chmod(`pr-${pr}`, "apps/web/values.yaml", "+x");
    await deliver("pull_request", "synchronize", pr);
    const run = await approvalOf(pr);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain("Not counted: @alice (approved an older commit whose governed change differs");
  });

  it("cancels an approval by a later request for changes, and dismissing that request does not restore it", async () => {
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 6\n" });
    await review(pr, "alice", "APPROVED");
    const changes = await review(pr, "alice", "CHANGES_REQUESTED");
    expect(await approvalOf(pr)).toMatchObject({ conclusion: "failure", output: { title: "Blocked: changes requested by @alice" } });
    app.fake.dismissReview(app.repo, changes.id);
    await deliver("pull_request_review", "dismissed", pr);
    const run = await approvalOf(pr);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain("Not counted: @alice (review dismissed");
  });

  it("waits for validation when a review arrives before the push it follows (out of order)", async () => {
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 7\n" });
    await repo.commit(`pr-${pr}`, { "apps/web/values.yaml": "replicas: 8\n" });
    // The review of the new head is delivered before its synchronize.
    await review(pr, "alice", "APPROVED");
    const head = await repo.sha(`pr-${pr}`);
    expect(app.repo.checkRuns.filter((r) => r.name === "gitgate/approval" && r.head_sha === head)).toEqual([]);
    await deliver("pull_request", "synchronize", pr);
    expect((await approvalOf(pr)).conclusion).toBe("success");
  });

  it("never lets a verdict read before a dismissal stand over the dismissal's own verdict", async () => {
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 14\n" });
    const approval = await review(pr, "alice", "APPROVED");
    const run = await approvalOf(pr);
    expect(run.conclusion).toBe("success");
    const publishes = (r: FakeRequest) => r.method === "PATCH" && r.url.endsWith(`/check-runs/${run.id}`) && (r.body as { status?: string }).status === "completed";
    // The pull request is judged again (reopened); GitHub is slow to take its approval verdict, read
    // from alice's approval. Meanwhile alice's approval is dismissed.
    const gate = app.fake.hold(publishes);
    const reopened = deliver("pull_request", "reopened", pr);
    await gate.reached;
    app.fake.dismissReview(app.repo, approval.id);
    expect(await app.deliver("pull_request_review", examplePayload("pull_request_review", "dismissed", (p) => {
      p.pull_request.number = pr;
    }))).toBe(200);
    // The dismissal's job has either published its verdict or waits for the one being published.
    const key = `approval:acme/platform-config#${pr}`;
    while (run.conclusion !== "action_required" && !(await app.queue.superseded(key))) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    gate.release();
    await reopened;
    expect(await approvalOf(pr)).toMatchObject({ conclusion: "action_required" });
    expect((await approvalOf(pr)).output.summary).toContain("Not counted: @alice (review dismissed");
  });

  it("fails the approval check when GitHub fails while a dismissal is judged: the approval it had does not stand", async () => {
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 15\n" });
    const approval = await review(pr, "alice", "APPROVED");
    expect((await approvalOf(pr)).conclusion).toBe("success");
    app.fake.dismissReview(app.repo, approval.id);
    app.fake.failNext("POST", /^\/graphql$/, 502, 10);
    await deliver("pull_request_review", "dismissed", pr, (p) => {
      p.pull_request.head.sha = approval.commitId;
    });
    expect(await approvalOf(pr)).toMatchObject({ conclusion: "failure", output: { title: "Could not evaluate approvals" } });
  });

  it("decides anew when the validation an approval job carries is of another base than the PR's now", async () => {
    await repo.branch("strict", "main", { ".github/gitgate.yml": config.replace("count: 1", "count: 2") });
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 16\n" });
    await review(pr, "alice", "APPROVED");
    expect((await approvalOf(pr)).conclusion).toBe("success");
    const head = await repo.sha(`pr-${pr}`);
    const main = await repo.sha("main");
    // Retargeted to a base that asks for two reviews; the job of its validation is lost (with Redis, a
    // job waiting for this PR drops a newer one), and an older one, validated against main, runs.
    app.fake.retargetPullRequest(app.repo, pr, "strict");
    const validate = app.repo.checkRuns.find((r) => r.name === "gitgate/validate" && r.head_sha === head)!;
    // Everything as that validation found it, but the base.
    const validated = { headSha: head, baseSha: main, headDigest: recordedDigest(validate.external_id, pr, "main"), scope: { enabled: true, configValid: true, files: ["apps/web/values.yaml"], controlPlaneChanged: false } };
    await app.queue.submit({ kind: "approvals", key: `approval:acme/platform-config#${pr}`, delivery: "an-older-validation", event: "pull_request", repo: { owner: "acme", repo: "platform-config" }, installation: app.repo.installationId, args: { pr, head }, carried: { validated } });
    await app.queue.onIdle();
    expect(await approvalOf(pr)).toMatchObject({ conclusion: "action_required", output: { title: "Waiting for 2 more (review)" } });
  });

  it("applies a rule to every file under its globs, governed or not: an .env a kustomization reads changes production too", async () => {
    const pr = await openPr({ "clusters/production/app.env": "FEATURE=on\n" });
    const run = await approvalOf(pr);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain("production");
    await review(pr, "alice", "APPROVED");
    expect((await approvalOf(pr)).conclusion).toBe("action_required");
    await review(pr, "dave", "APPROVED");
    expect((await approvalOf(pr)).conclusion).toBe("success");
  });

  it("needs the control-plane rule too for a change to the config", async () => {
    const pr = await openPr({ ".github/gitgate.yml": config.replace("count: 1", "count: 2") });
    await review(pr, "alice", "APPROVED");
    const run = await approvalOf(pr);
    expect(run.conclusion).toBe("success");
    expect(run.output.summary).toContain("control plane: 1 of 1 (control plane change)");
    expect(run.output.title).toBe("Approved: all 2 rules satisfied");
  });

  it("applies only the control-plane rule when the config at the base is invalid", async () => {
    await repo.branch("broken-base", "main", { ".github/gitgate.yml": config + "nonsense: true\n" });
    const pr = await openPr({ "clusters/production/app.yaml": "replicas: 9\n" }, { from: "broken-base", base: "broken-base" });
    await review(pr, "bob", "APPROVED");
    const run = await approvalOf(pr);
    expect(run.conclusion).toBe("success");
    expect(run.output.summary).toContain("### ✅ control plane: 1 of 1 (control plane change)");
    expect(run.output.summary).not.toMatch(/### .* production:/);
  });

  // One bad value elsewhere (or a Gitgate that checks a section more strictly) made the whole config
  // invalid, and its control_plane reviewers were dropped for "one approval from any writer".
  it("keeps the control-plane reviewers of an invalid config's own approvals section, and counts none when that is invalid too", async () => {
    await repo.branch("broken-elsewhere", "main", { ".github/gitgate.yml": `${config}  control_plane: { count: 1, users: [erin] }\nfail_on: sometimes\n` });
    const repair = await openPr({ ".github/gitgate.yml": "version: 1\n" }, { from: "broken-elsewhere", base: "broken-elsewhere" });
    await review(repair, "alice", "APPROVED");
    expect(await approvalOf(repair)).toMatchObject({ conclusion: "action_required", output: { title: "Waiting for 1 more (control plane)" } });
    await review(repair, "erin", "APPROVED");
    expect((await approvalOf(repair)).conclusion).toBe("success");

    await repo.branch("broken-approvals", "main", { ".github/gitgate.yml": `${config}  control_plane: { count: many }\n` });
    const blind = await openPr({ ".github/gitgate.yml": "version: 1\n" }, { from: "broken-approvals", base: "broken-approvals" });
    await review(blind, "alice", "APPROVED");
    const run = await approvalOf(blind);
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toContain("neither is its approvals section read on its own");
  });

  it("keeps the config's own control-plane rule when only a schema at the base is broken", async () => {
    await repo.branch("broken-schema", "main", { ".github/gitgate.yml": `${config}  control_plane: { count: 1, users: [erin] }\n`, "schemas/values.schema.json": "{ not json" });
    const pr = await openPr({ "schemas/values.schema.json": schema }, { from: "broken-schema", base: "broken-schema" });
    await review(pr, "alice", "APPROVED");
    // Not "1 approval from anyone with write access": the config is valid and names who approves its repairs.
    expect(await approvalOf(pr)).toMatchObject({ conclusion: "action_required", output: { title: "Waiting for 1 more (control plane)" } });
    await review(pr, "erin", "APPROVED");
    expect((await approvalOf(pr)).conclusion).toBe("success");
  });

  it("judges approvals against the new base after a retarget", async () => {
    // release asks for two reviews of every change.
    await repo.branch("release", "main", { ".github/gitgate.yml": config.replace("count: 1", "count: 2") });
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 10\n" });
    await review(pr, "alice", "APPROVED");
    expect((await approvalOf(pr)).conclusion).toBe("success");
    await retarget(pr, "main", "release");
    // Two more: alice approved the diff against main, before the retarget.
    expect(await approvalOf(pr)).toMatchObject({ conclusion: "action_required", output: { title: "Waiting for 2 more (review)" } });
  });

  it("does not count an approval of the head given before a retarget: the reviewer saw the diff against the old base", async () => {
    // A branch that already carries a production change nobody reviewed.
    await repo.branch("sandbox", "main", { "clusters/production/app.yaml": "replicas: 99\n" });
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 30\n" }, { from: "sandbox", base: "sandbox" });
    await review(pr, "dave", "APPROVED");
    expect((await approvalOf(pr)).conclusion).toBe("success");
    // Into main, the same head's diff holds the production change too.
    await retarget(pr, "sandbox", "main");
    const run = await approvalOf(pr);
    expect(run).toMatchObject({ conclusion: "action_required", output: { title: "Waiting for 1 more (review), 1 more (production)" } });
    expect(run.output.summary).toContain("Not counted: @dave (approved before the pull request's base changed");
    await review(pr, "dave", "APPROVED");
    expect((await approvalOf(pr)).conclusion).toBe("success");
  });

  it("does not count an approval given before GitHub retargeted the pull request itself, when its base branch was deleted", async () => {
    await repo.branch("stacked", "main", { "clusters/production/app.yaml": "replicas: 98\n" });
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 31\n" }, { from: "stacked", base: "stacked" });
    await review(pr, "dave", "APPROVED");
    expect((await approvalOf(pr)).conclusion).toBe("success");
    await retarget(pr, "stacked", "main", true);
    const run = await approvalOf(pr);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain("Not counted: @dave (approved before the pull request's base changed");
  });

  it("holds a retargeted pull request's approval in progress until it is decided for the new base, in the same check run", async () => {
    await repo.branch("release-2", "main", { ".github/gitgate.yml": config.replace("count: 1", "count: 2") });
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 16\n" });
    await review(pr, "alice", "APPROVED");
    const run = await approvalOf(pr);
    expect(run.conclusion).toBe("success");
    // The approval job's verdict is slow to reach GitHub (or never does: the process stops).
    const gate = app.fake.hold((r) => r.method === "PATCH" && r.url.endsWith(`/check-runs/${run.id}`) && (r.body as { status?: string }).status === "completed");
    const retargeted = retarget(pr, "main", "release-2");
    await gate.reached;
    // The verdict main's rules gave does not stand for release-2 meanwhile: GitHub sees it pending.
    expect(run).toMatchObject({ status: "in_progress", output: { title: "Deciding approvals" } });
    gate.release();
    await retargeted;
    expect(await approvalOf(pr)).toMatchObject({ id: run.id, status: "completed", conclusion: "action_required", output: { title: "Waiting for 2 more (review)" } });
  });

  it("asks for approvals when the config quotes its approvals key", async () => {
    await repo.branch("quoted", "main", { ".github/gitgate.yml": config.replace("approvals:", '"approvals":') });
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 21\n" }, { from: "quoted", base: "quoted" });
    expect(await approvalOf(pr)).toMatchObject({ status: "completed", conclusion: "action_required", output: { title: "Waiting for 1 more (review)" } });
  });

  it("completes an approval run left in progress when the pull request moves to a base that asks for no approvals", async () => {
    await repo.branch("no-rules", "main", { ".github/gitgate.yml": config.slice(0, config.indexOf("approvals:")) });
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 17\n" });
    const run = await approvalOf(pr);
    // A job for main marked it in progress, and the pull request was retargeted before its verdict.
    Object.assign(run, { status: "in_progress", output: { ...run.output, title: "Deciding approvals" } });
    await retarget(pr, "main", "no-rules");
    expect(await approvalOf(pr)).toMatchObject({ id: run.id, status: "completed", conclusion: "success", output: { title: "No approval rules" } });
    // Nothing is left for the reconcile sweep to bring back.
    expect(await app.reconcile()).toBe(0);
  });

  it("fails an approval run an earlier validation left in progress when the pull request cannot be judged", async () => {
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 19\n" });
    const run = await approvalOf(pr);
    // A job marked it in progress and was superseded by one that cannot list the change.
    Object.assign(run, { status: "in_progress", output: { ...run.output, title: "Deciding approvals" } });
    app.fake.failNext("GET", /\/compare\//, 500, 10);
    await deliver("pull_request", "reopened", pr);
    expect(await approvalOf(pr)).toMatchObject({ id: run.id, status: "completed", conclusion: "failure", output: { title: "Could not evaluate approvals" } });
  });

  it("fails the approval runs a validation marked when it fails after marking them", async () => {
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 20\n" });
    const run = await approvalOf(pr);
    expect(run.status).toBe("completed");
    // Judged again, GitHub cannot take the verdict: the job fails after its mark.
    const head = await repo.sha(`pr-${pr}`);
    const validate = app.repo.checkRuns.find((r) => r.name === "gitgate/validate" && r.head_sha === head)!;
    app.fake.failNext("PATCH", new RegExp(`/check-runs/${validate.id}$`), 500, 10);
    await deliver("pull_request", "reopened", pr);
    expect(await approvalOf(pr)).toMatchObject({ id: run.id, status: "completed", conclusion: "failure", output: { title: "Could not evaluate approvals" } });
  });

  it("fails every approval run of the head when a verdict cannot be decided", async () => {
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 21\n" });
    const approval = await review(pr, "alice", "APPROVED");
    const run = await approvalOf(pr);
    // A second run racing jobs left, with the approval since dismissed.
    const twin = { ...run, id: 9200, output: { ...run.output, annotations: [] } };
    app.repo.checkRuns.push(twin);
    app.fake.dismissReview(app.repo, approval.id);
    app.fake.failNext("POST", /^\/graphql$/, 502, 10);
    await deliver("pull_request_review", "dismissed", pr, (p) => {
      p.pull_request.head.sha = approval.commitId;
    });
    const head = await repo.sha(`pr-${pr}`);
    expect(app.repo.checkRuns.filter((r) => r.name === "gitgate/approval" && r.head_sha === head).map((r) => [r.id, r.conclusion, r.output.title])).toEqual([
      [run.id, "failure", "Could not evaluate approvals"],
      [twin.id, "failure", "Could not evaluate approvals"],
    ]);
  });

  it("decides every approval run of a head that racing jobs left, with the same verdict", async () => {
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 18\n" });
    await review(pr, "alice", "APPROVED");
    const run = await approvalOf(pr);
    expect(run.conclusion).toBe("success");
    // Two other jobs on the same head each created a run: one stopped before deciding it, one kept
    // the approval alice has since taken back.
    const left = { ...run, id: 9100, status: "in_progress", conclusion: null, output: { ...run.output, title: "Deciding approvals", annotations: [] } };
    const stale = { ...run, id: 9101, output: { ...run.output, annotations: [] } };
    app.repo.checkRuns.push(left, stale);
    await review(pr, "alice", "CHANGES_REQUESTED");
    const head = await repo.sha(`pr-${pr}`);
    expect(app.repo.checkRuns.filter((r) => r.name === "gitgate/approval" && r.head_sha === head).map((r) => [r.id, r.status, r.conclusion])).toEqual([
      [run.id, "completed", "failure"],
      [left.id, "completed", "failure"],
      [stale.id, "completed", "failure"],
    ]);
  });

  it("fails a merge group whose pull request lost its approval", async () => {
    const pr = await openPr({ "apps/web/values.yaml": "replicas: 11\n" });
    await review(pr, "alice", "APPROVED");
    expect((await approvalOf(pr)).conclusion).toBe("success");
    const head = await repo.sha(`pr-${pr}`);
    const group = { head_sha: head, head_ref: `refs/heads/gh-readonly-queue/main/pr-${pr}-${head}`, base_sha: await repo.sha("main"), base_ref: "refs/heads/main" };
    const queue = async () => {
      expect(await app.deliver("merge_group", examplePayload("merge_group", "checks_requested", (p) => {
        p.merge_group = { ...p.merge_group, ...group };
      }))).toBe(200);
      await app.queue.onIdle();
      return app.repo.checkRuns.filter((r) => r.name === "gitgate/approval" && r.head_sha === head);
    };
    await app.fake.submitReview(app.repo, { pullNumber: pr, user: "alice", state: "CHANGES_REQUESTED" });
    const runs = await queue();
    // One check run on the commit: the PR's own, now failed by the group's verdict.
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ conclusion: "failure" });
    expect(runs[0]!.output.title).toContain(`Pull request #${pr}: Blocked: changes requested by @alice`);
    // Both of the group's verdicts record the queued pull request and the base it is queued into (the
    // webhook's `refs/heads/main`, as pull requests name it), so the guard takes them for no other.
    expect(recordedJudgedFor("gitgate/approval", runs[0]!.external_id)).toEqual([{ pull: pr, baseKey: baseRefKey("main") }]);
    const validate = app.repo.checkRuns.find((r) => r.name === "gitgate/validate" && r.head_sha === head)!;
    expect(validate.external_id).toBe(`gitgate-governed-diff:${pr}.${baseRefKey("main")}`);
  });

  it("costs at most 7 GitHub requests beyond gitgate/validate for a PR with reviews and a team rule", async () => {
    await repo.branch("budget", "main", { "clusters/production/app.yaml": "replicas: 12\n" });
    const pr = next++;
    app.fake.openPullRequest(app.repo, { number: pr, title: "budget", author: "dev", headRef: "budget", baseRef: "main" });
    await app.fake.submitReview(app.repo, { pullNumber: pr, user: "dave", state: "APPROVED" });
    await app.fake.submitReview(app.repo, { pullNumber: pr, user: "bob", state: "APPROVED" });
    const before = app.fake.apiRequests.length;
    await deliver("pull_request", "opened", pr);
    const requests = app.fake.apiRequests.slice(before);
    const validated = requests.findIndex((r) => (r.method === "PATCH" || r.method === "POST") && /check-runs/.test(r.url) && (r.body as { conclusion?: string }).conclusion !== undefined);
    // The approval run, marked in progress before validate completes.
    const approvalRun = (r: FakeRequest) => /check-runs/.test(r.url) && (r.body as { name?: string }).name === "gitgate/approval";
    expect(requests.slice(0, validated).filter(approvalRun).map((r) => `${r.method} ${(r.body as { status?: string }).status}`)).toEqual(["POST in_progress"]);
    const approvalRequests = requests.slice(validated + 1).filter((r) => !/\/comments/.test(r.url));
    // Re-read of the reviews; who pushed to the branch (pushes, force pushes, its creation) and one team
    // query, at once (in any order); the check run completed.
    const shown = approvalRequests.map((r) => `${r.method} ${new URL(r.url, "http://x").pathname.replace(/\/\d+$/, "/<id>")}`);
    expect([shown[0], ...shown.slice(1, 5).sort(), ...shown.slice(5)]).toEqual([
      "POST /graphql", ...Array<string>(3).fill("GET /repos/acme/platform-config/activity"), "POST /graphql", "PATCH /repos/acme/platform-config/check-runs/<id>",
    ]);
    const run = app.repo.checkRuns.find((r) => r.name === "gitgate/approval" && r.head_sha === app.repo.checkRuns.at(-1)!.head_sha)!;
    expect(run.conclusion).toBe("success");
    console.log(`approval budget: ${requests.length} requests in all, ${approvalRequests.length + 1} for gitgate/approval`);
    // A review's webhook to its verdict (logged for the record, not asserted).
    const started = performance.now();
    await review(pr, "alice", "APPROVED");
    console.log(`review webhook to verdict: ${Math.round(performance.now() - started)} ms, ${app.fake.apiRequests.length - before - requests.length} requests`);
  });

  it("requests reviews from the unmet rules' teams and users once per pull request, not again on a push or a review", async () => {
    await repo.branch("asks", "main", { ".github/gitgate.yml": config.replace("approvals:\n", "approvals:\n  request_reviews: true\n") });
    const pr = await openPr({ "clusters/production/app.yaml": "replicas: 13\n", "apps/payments/values.yaml": "replicas: 13\n" }, { from: "asks", base: "asks" });
    const asked = () => app.fake.requests.filter((r) => r.method === "POST" && /\/pulls\/\d+\/requested_reviewers$/.test(r.url));
    expect((await approvalOf(pr)).conclusion).toBe("action_required");
    expect(asked()).toHaveLength(1);
    expect(app.repo.requestedReviewers.get(pr)).toEqual({ users: ["carol"], teams: ["sre"] });
    // A push and a review leave the PR waiting: GitHub's timeline remembers the request, so no second one.
    await repo.commit(`pr-${pr}`, { "clusters/production/app.yaml": "replicas: 14\n" });
    await deliver("pull_request", "synchronize", pr);
    await review(pr, "alice", "APPROVED");
    expect((await approvalOf(pr)).conclusion).toBe("action_required");
    expect(asked()).toHaveLength(1);
  });

  it("does not request reviews without request_reviews", async () => {
    const pr = await openPr({ "clusters/production/app.yaml": "replicas: 15\n" });
    expect((await approvalOf(pr)).conclusion).toBe("action_required");
    expect(app.fake.requests.filter((r) => /requested_reviewers/.test(r.url))).toEqual([]);
  });
});
