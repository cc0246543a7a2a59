import webhookExamples from "@octokit/webhooks-examples/api.github.com/index.json" with { type: "json" };
import { afterEach, describe, expect, it } from "vitest";
import { schemaProblems } from "../../src/fake-github/openapi-bodies.js";
import { fakeProtectionOf, fullProtection, type FakeRuleset } from "../../src/fake-github/fake-protection.js";
import { lookOrder } from "../../src/app/check-protection.js";
import { runGit } from "../../src/git/run-git.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { appId, examplePayload, installationId, startApp, type AppHarness } from "../support/app-harness.js";

let repo: TestRepo | undefined;
let app: AppHarness | undefined;
afterEach(async () => {
  await app?.close();
  await repo?.remove();
  app = undefined;
  repo = undefined;
});

async function setup(config = "version: 1\nprotect: {}\n") {
  repo = await createTestRepo({ ".github/gitgate.yml": config });
  app = await startApp(repo.dir);
  return { app, repo, state: fakeProtectionOf(app.repo), head: await repo.sha("main") };
}

/** Markdown as it reads once rendered: Gitgate escapes every punctuation character of text it did not write. */
const plain = (markdown: string | undefined) => (markdown ?? "").replace(/\\([!-/:-@[-`{-~])/g, "$1");
const guardRuns = (a: AppHarness) => a.repo.checkRuns.filter((r) => r.name === "gitgate/guard");
const writes = (a: AppHarness) => a.fake.apiRequests.filter((r) => r.method !== "GET" && !r.url.includes("/graphql")).map((r) => `${r.method} ${new URL(r.url, "http://x").pathname}`);

/** branch_protection_rule.edited as GitHub sends it (recorded example), for `main`, with what changed. */
const ruleEdited = (rule: Record<string, unknown>, changes: Record<string, { from: unknown }>) =>
  examplePayload("branch_protection_rule", "edited", (p) => {
    p.rule = { ...p.rule, name: "main", required_status_checks: ["gitgate/validate", "gitgate/approval"], required_status_checks_enforcement_level: "everyone", admin_enforced: true, allow_force_pushes_enforcement_level: "off", allow_deletions_enforcement_level: "off", ...rule };
    p.changes = changes;
  });

describe("protection drift", () => {
  it("raises one incident when an edit lets admins past the checks: a failing gitgate/guard on the head and one issue, however often the event comes", async () => {
    const { app, state, head } = await setup();
    state.classic.set("main", fullProtection(appId, { enforce_admins: false }));
    const payload = ruleEdited({ admin_enforced: false, updated_at: "2026-05-31T10:00:00Z" }, { admin_enforced: { from: true } });
    expect(await app.deliver("branch_protection_rule", payload)).toBe(200);
    await app.queue.onIdle();
    // GitHub redelivers (a new delivery id), and a second, identical one arrives.
    await app.deliver("branch_protection_rule", payload);
    await app.queue.onIdle();
    expect(guardRuns(app).map((r) => [r.head_sha, r.conclusion, r.output.title])).toEqual([[head, "failure", "Branch protection of main weakened"]]);
    const summary = plain(guardRuns(app)[0]!.output.summary);
    expect(summary).toContain("**Branch:** `main`");
    expect(summary).toContain("**Changed by:** @Codertocat (branch_protection_rule.edited event)");
    expect(summary).toContain("**When:** 2026-05-31T10:00:00Z");
    expect(summary).toContain('| weakened | Classic branch protection does not apply to administrators ("Do not allow bypassing the above settings" is off): an admin can merge past gitgate/validate and gitgate/approval. |');
    expect(summary).toContain("**Not restored:** Gitgate only reports (`protect.branch_protection: report`)");
    expect(state.issues.map((i) => [i.title, i.labels, i.state])).toEqual([["Branch protection of main weakened: administrators exempt", ["gitgate-bypass"], "open"]]);
    expect(state.issues[0]!.body).toMatch(/^<!-- gitgate:incident:protection%3Amain%3Aadmins-exempt -->\n\*\*Branch protection weakened\*\* on `main`/);
    // Nothing was changed on the protection itself.
    expect(writes(app).filter((w) => w.startsWith("PUT"))).toEqual([]);
  });

  it("with branch_protection: enforce, restores what was weakened, keeps what the team set beyond it, and says exactly what changed", async () => {
    const { app, state, head } = await setup("version: 1\nprotect:\n  branch_protection: enforce\n");
    const reviews = { dismiss_stale_reviews: true, require_code_owner_reviews: true, required_approving_review_count: 2, require_last_push_approval: false };
    state.classic.set("main", fullProtection(appId, {
      allow_force_pushes: true,
      required_linear_history: true,
      required_pull_request_reviews: reviews,
      required_status_checks: { strict: true, checks: [{ context: "ci/test", app_id: null }, { context: "gitgate/validate", app_id: appId }] },
    }));
    const payload = ruleEdited({ allow_force_pushes_enforcement_level: "everyone", required_status_checks: ["ci/test", "gitgate/validate"] }, { allow_force_pushes_enforcement_level: { from: "off" }, required_status_checks: { from: ["ci/test", "gitgate/validate", "gitgate/approval"] } });
    await app.deliver("branch_protection_rule", payload);
    await app.queue.onIdle();
    expect(state.classic.get("main")).toEqual(fullProtection(appId, {
      allow_force_pushes: false,
      required_linear_history: true,
      required_pull_request_reviews: reviews,
      required_status_checks: { strict: true, checks: [{ context: "ci/test", app_id: null }, { context: "gitgate/validate", app_id: appId }, { context: "gitgate/approval", app_id: appId }] },
    }));
    const [run, ...more] = guardRuns(app);
    expect(more).toEqual([]);
    expect([run!.head_sha, run!.conclusion, run!.output.title]).toEqual([head, "failure", "Branch protection of main weakened (restored)"]);
    expect(plain(run!.output.summary)).toContain(["**Restored by Gitgate** (`protect.branch_protection: enforce`):", `- gitgate/approval added to the required checks, pinned to Gitgate (app ${appId})`, "- force pushes forbidden", ""].join("\n"));
    expect(state.issues.map((i) => i.title).sort()).toEqual(["Branch protection of main weakened: force pushes allowed", "Branch protection of main weakened: gitgate/approval not required"]);
    // The same event again: the protection holds now, nothing more is raised or written.
    await app.deliver("branch_protection_rule", payload);
    await app.queue.onIdle();
    expect(writes(app).filter((w) => w.startsWith("PUT"))).toEqual(["PUT /repos/acme/platform-config/branches/main/protection"]);
    expect(guardRuns(app)).toHaveLength(1);
    expect(state.issues).toHaveLength(2);
  });

  it("says when restoring was refused because the App may only read the protection", async () => {
    const { app, state } = await setup("version: 1\nprotect:\n  branch_protection: enforce\n");
    state.administration = "read";
    state.classic.set("main", fullProtection(appId, { allow_deletions: true }));
    await app.deliver("branch_protection_rule", ruleEdited({ allow_deletions_enforcement_level: "everyone" }, { allow_deletions_enforcement_level: { from: "off" } }));
    await app.queue.onIdle();
    expect(state.classic.get("main")!.allow_deletions).toBe(true);
    expect(plain(guardRuns(app)[0]!.output.summary)).toContain("**Not restored:** Gitgate tried (`protect.branch_protection: enforce`) and GitHub refused: 403 Resource not accessible by integration (restoring needs the App's Administration: write permission)");
  });

  it("raises nothing when the protection is as expected, through classic protection or a ruleset", async () => {
    const { app, state } = await setup();
    state.classic.set("main", fullProtection(appId));
    await app.deliver("branch_protection_rule", ruleEdited({ required_approving_review_count: 2 }, { required_approving_review_count: { from: 1 } }));
    await app.queue.onIdle();
    state.classic.clear();
    state.rulesets.push(ruleset({ rules: [...fullRules(), { type: "pull_request", parameters: { dismiss_stale_reviews_on_push: true, require_code_owner_review: false, require_last_push_approval: false, required_approving_review_count: 1, required_review_thread_resolution: false } }] }));
    await app.deliver("repository_ruleset", rulesetEvent("edited", state.rulesets[0]!));
    await app.queue.onIdle();
    expect(guardRuns(app)).toEqual([]);
    expect(state.issues).toEqual([]);
    expect(writes(app)).toEqual([]);
  });

  it("fails closed when GitHub refuses to show the protection: the incident says it cannot tell, and why", async () => {
    const { app, state } = await setup("version: 1\nprotect:\n  branch_protection: enforce\n");
    state.administration = "none";
    await app.deliver("branch_protection_rule", ruleEdited({}, {}));
    await app.queue.onIdle();
    const [run] = guardRuns(app);
    expect([run!.conclusion, run!.output.title]).toEqual(["failure", "Gitgate cannot read the protection of main"]);
    expect(plain(run!.output.summary)).toContain("Gitgate cannot read the branch's protection (classic branch protection: GitHub answered 403: Resource not accessible by integration), so it cannot tell whether changes can bypass it: grant the App the Administration (read) permission.");
    // Never a blind write over settings it cannot see.
    expect(plain(run!.output.summary)).toContain("**Not restored:** Gitgate cannot read the classic branch protection, and will not overwrite settings it cannot see.");
    expect(writes(app).filter((w) => w.startsWith("PUT"))).toEqual([]);
    expect(state.issues.map((i) => i.title)).toEqual(["Gitgate cannot read the protection of main"]);
  });

  it("lists who may bypass a ruleset, and marks what a ruleset edit took away as weakened", async () => {
    const { app, state } = await setup();
    const edited = ruleset({
      rules: fullRules().filter((r) => r.type !== "deletion"),
      bypass_actors: [{ actor_id: 5, actor_type: "RepositoryRole", bypass_mode: "always" }, { actor_id: 42, actor_type: "Team", bypass_mode: "pull_request" }],
    });
    state.rulesets.push(edited);
    await app.deliver("repository_ruleset", rulesetEvent("edited", edited, { rules: { deleted: [{ type: "deletion" }] } }));
    await app.queue.onIdle();
    const [run] = guardRuns(app);
    expect(run!.output.title).toBe("Branch protection of main weakened");
    expect(plain(run!.output.summary)).toContain("| weakened | The branch can be deleted (and recreated from any commit). |");
    expect(plain(run!.output.summary)).toContain('- Ruleset "protect main" (acme/platform-config) can be bypassed by: repository admins (always), Team 42 (on pull requests).');
    expect(plain(run!.output.summary)).toContain("**Changed by:** @octocat (repository_ruleset.edited event)");
    expect(state.issues.map((i) => i.title)).toEqual(["Branch protection of main weakened: deletion allowed"]);
  });

  // One look checks at most 20 branches, and it checked the same first 20 every time: an edit to the
  // rule of release/9, the 22nd protected branch, raised nothing, then or at any sweep.
  it("looks first at the branches the event's rule names, and at the others in turn, however many are protected", async () => {
    const { app, repo, state, head } = await setup("version: 1\nprotect:\n  branches: [main, \"release/*\"]\n");
    state.classic.set("main", fullProtection(appId));
    for (let i = 10; i <= 30; i++) {
      await runGit(repo.dir, ["update-ref", `refs/heads/release/${i}`, head]);
      state.classic.set(`release/${i}`, fullProtection(appId));
    }
    await runGit(repo.dir, ["update-ref", "refs/heads/release/9", head]);
    state.classic.set("release/9", fullProtection(appId, { enforce_admins: false }));
    expect(await app.deliver("branch_protection_rule", ruleEdited({ name: "release/9", admin_enforced: false }, { admin_enforced: { from: true } }))).toBe(200);
    await app.queue.onIdle();
    expect(state.issues.map((i) => i.title)).toEqual(["Branch protection of release/9 weakened: administrators exempt"]);
    // Every branch is looked at by some sweep: 23 branches, 20 a look, the place moving each second.
    const branches = ["main", "release/9", ...Array.from({ length: 21 }, (_, i) => `release/${i + 10}`)];
    const seen = new Set<string>();
    for (let second = 0; second < 60; second++) for (const b of lookOrder(branches, "main", undefined, new Date(Date.UTC(2026, 0, 1, 0, 0, second)))) seen.add(b);
    expect(seen.size).toBe(branches.length);
    expect(lookOrder(branches, "main", "release/3*", new Date(0)).slice(0, 2)).toEqual(["release/30", "main"]);
  });

  it("finds drift that came without any event on the next sweep, and calls it weakened since the last look", async () => {
    const { app, state, head } = await setup();
    state.classic.set("main", fullProtection(appId));
    expect(await app.sweepProtection()).toBe(1);
    await app.queue.onIdle();
    expect(guardRuns(app)).toEqual([]);
    // Someone allows force pushes; the webhook is lost.
    state.classic.get("main")!.allow_force_pushes = true;
    await app.sweepProtection();
    await app.queue.onIdle();
    const [run] = guardRuns(app);
    expect([run!.head_sha, run!.output.title]).toEqual([head, "Branch protection of main weakened"]);
    expect(plain(run!.output.summary)).toContain("**Changed by:** not known (found by Gitgate's scheduled look at branch protection)");
    expect(plain(run!.output.summary)).toMatch(/\*\*When:\*\* between \d{4}-\d\d-\d\dT[\d:.]+Z and \d{4}-/);
    expect(state.issues.map((i) => i.title)).toEqual(["Branch protection of main weakened: force pushes allowed"]);
    // The next sweep finds it still there: no second check run on the same head, no second issue.
    await app.sweepProtection();
    await app.queue.onIdle();
    expect(guardRuns(app)).toHaveLength(1);
    expect(state.issues).toHaveLength(1);
  });

  it("looks at a newly installed repository right away: never protected is reported as such", async () => {
    const { app, state } = await setup();
    // The recorded installation.created (it names no single repository, so the usual helper does not fit).
    const recorded = (webhookExamples as unknown as { name: string; examples: Record<string, any>[] }[]).find((e) => e.name === "installation")!.examples.find((e) => e.action === "created")!;
    const payload = structuredClone(recorded);
    payload.installation.id = installationId;
    payload.repositories = [{ ...payload.repositories[0], name: "platform-config", full_name: "acme/platform-config" }];
    await app.deliver("installation", payload);
    await app.queue.onIdle();
    expect(guardRuns(app).map((r) => r.output.title)).toEqual(["main is not protected as Gitgate expects"]);
    expect(state.issues.map((i) => i.title)).toEqual(["main is not protected as Gitgate expects: no protection at all"]);
  });

  it("does not let an issue someone else wrote with the marker silence the incident", async () => {
    const { app, state } = await setup();
    state.issues.push({ number: 1, title: "nothing to see", body: "<!-- gitgate:incident:protection%3Amain%3Aunprotected -->", state: "open", labels: ["gitgate-bypass"], author: { login: "mallory" } });
    await app.sweepProtection();
    await app.queue.onIdle();
    expect(state.issues.map((i) => [i.author.login, i.title])).toEqual([["mallory", "nothing to see"], ["gitgate[bot]", "main is not protected as Gitgate expects: no protection at all"]]);
  });

  it("leaves a repository without a Gitgate config alone", async () => {
    repo = await createTestRepo({ "README.md": "hello\n" });
    app = await startApp(repo.dir);
    await app.sweepProtection();
    await app.queue.onIdle();
    expect(guardRuns(app)).toEqual([]);
    expect(fakeProtectionOf(app.repo).issues).toEqual([]);
  });
});

function fullRules(): FakeRuleset["rules"] {
  return [
    { type: "required_status_checks", parameters: { strict_required_status_checks_policy: false, required_status_checks: [{ context: "gitgate/validate", integration_id: appId }, { context: "gitgate/approval", integration_id: appId }] } },
    { type: "non_fast_forward" },
    { type: "deletion" },
  ];
}

function ruleset(patch: Partial<FakeRuleset>): FakeRuleset {
  return { id: 7, name: "protect main", enforcement: "active", conditions: { ref_name: { include: ["~DEFAULT_BRANCH"], exclude: [] } }, rules: fullRules(), bypass_actors: [], ...patch };
}

/**
 * repository_ruleset as GitHub sends it: @octokit/webhooks-examples has no recording of this event, so
 * the payload is built from a recorded one's repository, installation and sender and checked against
 * GitHub's published schema of the event.
 */
function rulesetEvent(action: "created" | "edited" | "deleted", r: FakeRuleset, changes?: Record<string, unknown>): Record<string, unknown> {
  const base = examplePayload("branch_protection_rule", "created");
  const payload = {
    action,
    repository_ruleset: { id: r.id, name: r.name, target: "branch", source_type: "Repository", source: "acme/platform-config", enforcement: r.enforcement, bypass_actors: r.bypass_actors, conditions: r.conditions, rules: r.rules, node_id: "RRS_7", created_at: "2026-05-01T09:00:00.000Z", updated_at: "2026-05-31T11:00:00.000Z" },
    ...(changes ? { changes } : {}),
    repository: base.repository,
    installation: base.installation,
    sender: { ...base.sender, login: "octocat" },
  };
  const problems = schemaProblems(`webhook-repository-ruleset-${action}`, payload);
  if (problems.length > 0) throw new Error(`not the shape GitHub sends: ${problems.join("; ")}`);
  return payload;
}
