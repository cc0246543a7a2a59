import { describe, expect, it } from "vitest";
import type { ApprovalFacts, ApprovalPolicy, Person, Review } from "../../../src/engine/approvals/approval-types.js";
import { parseCodeOwners } from "../../../src/engine/approvals/codeowners.js";
import { evaluateApprovals } from "../../../src/engine/approvals/evaluate-approvals.js";

const head = "c3";
const person = (login: string, extra: Partial<Person> = {}): [string, Person] => [login, { login, bot: false, canWrite: true, teams: [], ...extra }];
const people = new Map<string, Person>([
  person("alice"),
  person("bob"),
  person("carol", { teams: ["platform-leads"] }),
  person("dave", { teams: ["platform-leads"] }),
  person("erin", { canWrite: false }),
  person("frank", { canWrite: false }),
  person("renovate[bot]", { bot: true }),
  person("root", { teams: ["platform-admins"] }),
]);

const approve = (user: string, commitId = head, at = "2026-11-30T10:00:00Z"): Review => ({ user, state: "APPROVED", commitId, submittedAt: at });
const review = (user: string, state: Review["state"], at: string, commitId = head): Review => ({ user, state, commitId, submittedAt: at });

const policy = (extra: Partial<ApprovalPolicy> = {}): ApprovalPolicy => ({
  rules: [{ name: "default", count: 1, users: [], teams: [] }],
  controlPlane: { name: "control plane", count: 1, users: [], teams: ["platform-admins"] },
  invalidateOnPush: true,
  allowAuthor: false,
  allowContributors: false,
  ...extra,
});

const facts = (extra: Partial<ApprovalFacts> = {}): ApprovalFacts => ({
  owner: "acme",
  changedFiles: ["clusters/staging/web.yaml"],
  controlPlaneChanged: false,
  configValid: true,
  author: "alice",
  contributors: ["alice"],
  pushers: [],
  headSha: head,
  reviews: [],
  people,
  governedDiffDigest: "d-now",
  digestsByCommit: new Map(),
  ...extra,
});

/** One line per rule: name, status, approvers, ignored with reasons. */
function brief(p: ApprovalPolicy, f: ApprovalFacts): string[] {
  return evaluateApprovals(p, f).rules.map((r) =>
    `${r.name}: ${r.status} [${r.approvers.join(",")}]` +
    (r.blockedBy.length ? ` blocked by ${r.blockedBy.join(",")}` : "") +
    (r.ignored.length ? ` ignored ${r.ignored.map((i) => `${i.user}=${i.reason}`).join(",")}` : ""),
  );
}

describe("who counts", () => {
  it.each([
    ["the author's own approval", { reviews: [approve("alice")] }, "default: waiting [] ignored alice=author"],
    ["a commit contributor who is not the author", { contributors: ["alice", "bob"], reviews: [approve("bob")] }, "default: waiting [] ignored bob=contributor"],
    ["a writer who pushed to the branch commits they wrote under another's e-mail", { pushers: ["Bob"], reviews: [approve("bob")] }, "default: waiting [] ignored bob=pusher"],
    ["a reviewer without write access", { reviews: [approve("erin")] }, "default: waiting [] ignored erin=no-write-access"],
    ["a bot", { reviews: [approve("renovate[bot]")] }, "default: waiting [] ignored renovate[bot]=bot"],
    ["a reviewer GitHub told us nothing about", { reviews: [approve("stranger")] }, "default: waiting [] ignored stranger=no-write-access"],
    ["a reviewer with write access", { reviews: [approve("bob")] }, "default: satisfied [bob]"],
    ["logins in another case", { reviews: [approve("BOB")] }, "default: satisfied [bob]"],
  ] as const)("%s", (_name, extra, expected) => {
    expect(brief(policy(), facts(extra))).toEqual([expected]);
  });

  it("counts a user the rule names, and nobody else", () => {
    const p = policy({ rules: [{ name: "named", count: 1, users: ["bob"], teams: [] }] });
    expect(brief(p, facts({ reviews: [approve("bob"), approve("carol")] }))).toEqual(["named: satisfied [bob] ignored carol=not-eligible"]);
  });

  it("never counts a reviewer without write access, even one a rule or CODEOWNERS names", () => {
    const p = policy({ rules: [{ name: "named", count: 1, users: ["erin"], teams: [] }] });
    expect(brief(p, facts({ reviews: [approve("erin")] }))).toEqual(["named: waiting [] ignored erin=no-write-access"]);
    // A read-only collaborator or an ex-member still listed as a code owner: GitHub ignores them too.
    const codeowners = parseCodeOwners(".github/CODEOWNERS", "/clusters/staging/ @erin\n");
    expect(brief(policy({ rules: [], codeowners }), facts({ reviews: [approve("erin")] }))).toEqual(["code owners @erin: waiting [] ignored erin=no-write-access"]);
  });

  it("counts a bot only when the rule names it", () => {
    const p = policy({ rules: [{ name: "bots", count: 1, users: ["renovate[bot]"], teams: [] }] });
    expect(brief(p, facts({ reviews: [approve("renovate[bot]")] }))).toEqual(["bots: satisfied [renovate[bot]]"]);
  });

  it("counts a team member and not a non-member", () => {
    const p = policy({ rules: [{ name: "leads", count: 2, users: [], teams: ["platform-leads"] }] });
    expect(brief(p, facts({ reviews: [approve("carol"), approve("bob")] }))).toEqual(["leads: waiting [carol] ignored bob=not-eligible"]);
    expect(brief(p, facts({ reviews: [approve("carol"), approve("dave")] }))).toEqual(["leads: satisfied [carol,dave]"]);
    // A team written in full, with the organisation, is the same team.
    const full = policy({ rules: [{ name: "leads", count: 1, users: [], teams: ["@ACME/platform-leads"] }] });
    expect(brief(full, facts({ reviews: [approve("carol")] }))).toEqual(["leads: satisfied [carol]"]);
  });

  it("never counts the author or a contributor, even when the rule names them, unless allowed", () => {
    const p = policy({ rules: [{ name: "named", count: 1, users: ["alice", "bob"], teams: [] }] });
    const f = facts({ contributors: ["alice", "bob"], reviews: [approve("alice"), approve("bob")] });
    expect(brief(p, f)).toEqual(["named: waiting [] ignored alice=author,bob=contributor"]);
    expect(brief({ ...p, allowAuthor: true, allowContributors: true }, f)).toEqual(["named: satisfied [alice,bob]"]);
  });
});

describe("which review counts", () => {
  it("binds an approval to its commit: a push of a different governed diff makes it stale", () => {
    const f = facts({ reviews: [approve("bob", "c1")], digestsByCommit: new Map([["c1", "d-old"]]) });
    expect(brief(policy(), f)).toEqual(["default: waiting [] ignored bob=stale"]);
  });

  it("keeps an approval across a rebase that leaves the governed diff byte-identical", () => {
    const f = facts({ reviews: [approve("bob", "c1")], digestsByCommit: new Map([["c1", "d-now"]]) });
    expect(brief(policy(), f)).toEqual(["default: satisfied [bob]"]);
  });

  it("treats an approval of a commit whose diff was never recorded as stale", () => {
    expect(brief(policy(), facts({ reviews: [approve("bob", "c1")] }))).toEqual(["default: waiting [] ignored bob=stale"]);
  });

  it("does not count an approval given before the pull request's latest change of base, even of the head", () => {
    const f = facts({ baseChangedAt: "2026-11-30T10:00:00Z", reviews: [approve("bob", head, "2026-11-30T09:00:00Z"), approve("carol", head, "2026-11-30T10:00:00Z"), approve("dave", head, "2026-11-30T10:00:01Z")] });
    expect(brief(policy(), f)).toEqual(["default: satisfied [dave] ignored bob=retargeted,carol=retargeted"]);
    expect(brief(policy({ invalidateOnPush: false }), f)).toEqual(["default: satisfied [dave] ignored bob=retargeted,carol=retargeted"]);
  });

  it("counts an approval of any commit without invalidate_on_push", () => {
    expect(brief(policy({ invalidateOnPush: false }), facts({ reviews: [approve("bob", "c1")] }))).toEqual(["default: satisfied [bob]"]);
  });

  it("cancels an approval with a later changes request, and a dismissal of that request does not bring it back", () => {
    const approved = approve("bob", head, "2026-11-30T10:00:00Z");
    const changes = review("bob", "CHANGES_REQUESTED", "2026-11-30T11:00:00Z");
    expect(brief(policy(), facts({ reviews: [approved, changes] }))).toEqual(["default: blocked [] blocked by bob ignored bob=changes-requested"]);
    const dismissed = { ...changes, state: "DISMISSED" as const };
    expect(brief(policy(), facts({ reviews: [approved, dismissed] }))).toEqual(["default: waiting [] ignored bob=dismissed,bob=dismissed"]);
  });

  it("drops a dismissed approval and ignores comments after an approval", () => {
    expect(brief(policy(), facts({ reviews: [review("bob", "DISMISSED", "2026-11-30T10:00:00Z")] }))).toEqual(["default: waiting [] ignored bob=dismissed"]);
    const f = facts({ reviews: [approve("bob", head, "2026-11-30T10:00:00Z"), review("bob", "COMMENTED", "2026-11-30T12:00:00Z"), review("bob", "PENDING", "2026-11-30T13:00:00Z")] });
    expect(brief(policy(), f)).toEqual(["default: satisfied [bob]"]);
  });

  it("lets a new approval after a changes request count again, whatever order the reviews are listed in", () => {
    const f = facts({ reviews: [approve("bob", head, "2026-11-30T12:00:00Z"), review("bob", "CHANGES_REQUESTED", "2026-11-30T11:00:00Z")] });
    expect(brief(policy(), f)).toEqual(["default: satisfied [bob]"]);
  });

  it("does not let someone who could not approve block the change", () => {
    const f = facts({ reviews: [review("erin", "CHANGES_REQUESTED", "2026-11-30T11:00:00Z"), approve("bob")] });
    expect(brief(policy(), f)).toEqual(["default: satisfied [bob]"]);
  });
});

describe("which rules apply", () => {
  const production = { name: "production", files: ["clusters/production/**"], count: 2, users: [], teams: ["platform-leads"] };

  it("requires every matching rule: an approval may serve several", () => {
    const p = policy({ rules: [production, { name: "default", count: 1, users: [], teams: [] }] });
    const f = facts({ changedFiles: ["clusters/production/api.yaml"], reviews: [approve("carol")] });
    expect(brief(p, f)).toEqual(["production: waiting [carol]", "default: satisfied [carol]"]);
    expect(evaluateApprovals(p, f).status).toBe("waiting");
    expect(evaluateApprovals(p, { ...f, reviews: [approve("carol"), approve("dave")] }).status).toBe("satisfied");
  });

  it("skips rules whose files the change does not touch, and a change with no governed file needs nothing", () => {
    const p = policy({ rules: [production] });
    expect(brief(p, facts())).toEqual([]);
    expect(evaluateApprovals(policy(), facts({ changedFiles: [] })).status).toBe("satisfied");
  });

  it("adds the control-plane rule to a change of the control plane", () => {
    const f = facts({ changedFiles: [".github/gitgate.yml"], controlPlaneChanged: true, reviews: [approve("bob")] });
    expect(brief(policy(), f)).toEqual(["default: satisfied [bob]", "control plane: waiting [] ignored bob=not-eligible"]);
    expect(brief(policy(), { ...f, reviews: [approve("bob"), approve("root")] })).toEqual([
      "default: satisfied [bob,root]",
      "control plane: satisfied [root] ignored bob=not-eligible",
    ]);
  });

  it("applies only the control-plane rule while the base config is invalid", () => {
    const f = facts({ configValid: false, changedFiles: [".github/gitgate.yml"], reviews: [approve("root")] });
    expect(brief(policy({ rules: [production] }), f)).toEqual(["control plane: satisfied [root]"]);
  });

  it("says who could still approve", () => {
    // Not the author nor erin (who has no write access); gina has not reviewed, so may have it.
    const p = policy({ rules: [{ name: "named", count: 2, users: ["bob", "alice", "erin", "gina"], teams: ["platform-leads"] }] });
    const verdict = evaluateApprovals(p, facts({ reviews: [approve("bob")] }));
    expect(verdict.rules[0]!.candidates).toEqual({ users: ["gina"], teams: ["platform-leads"], anyoneWithWrite: false });
    expect(evaluateApprovals(policy(), facts()).rules[0]!.candidates).toEqual({ users: [], teams: [], anyoneWithWrite: true });
  });
});

describe("CODEOWNERS", () => {
  const codeowners = parseCodeOwners(".github/CODEOWNERS", [
    "# platform owns everything by default",
    "*                    @acme/platform-leads",
    "/clusters/staging/   @bob",
    "docs/                ",
    "*.json               @root  # json files anywhere",
  ].join("\n"));

  it("requires one approval from the owners of each changed path, last matching pattern winning", () => {
    const p = policy({ rules: [], codeowners });
    const f = facts({ changedFiles: ["clusters/staging/web.yaml", "clusters/production/api.yaml", "docs/a.yaml", "apps/x/values.json"] });
    expect(evaluateApprovals(p, f).rules.map((r) => `${r.name}: ${r.files.join(",")}`)).toEqual([
      "code owners @bob: clusters/staging/web.yaml",
      "code owners @acme/platform-leads: clusters/production/api.yaml",
      "code owners @root: apps/x/values.json",
    ]);
    const approved = evaluateApprovals(p, { ...f, reviews: [approve("bob"), approve("carol"), approve("root")] });
    expect(approved.status).toBe("satisfied");
  });

  it("reports lines GitHub would ignore, and owners Gitgate cannot map to a login", () => {
    const file = parseCodeOwners("CODEOWNERS", "!secret.yaml @bob\n[ab].yaml @bob\nx.yaml user@example.com\ny.yaml owner\n");
    expect(file.problems).toEqual([
      { line: 1, message: "pattern !secret.yaml negates: GitHub ignores this line" },
      { line: 2, message: "pattern [ab].yaml uses a character range: GitHub ignores this line" },
      { line: 3, message: "owner user@example.com is an email: Gitgate cannot tell whose account it is, so only the line's other owners can approve for it" },
      { line: 4, message: "owner owner is not an @user, @org/team or email: GitHub ignores it" },
    ]);
  });

  // A line with more than 8 wildcards was refused as one "GitHub ignores", which GitHub does not: its
  // paths fell to the broader line above it, whose owner then approved alone.
  it("keeps a line with many wildcards: GitHub sets no such limit", () => {
    const file = parseCodeOwners("CODEOWNERS", "* @carol\n/apps/*/v?????.???? @dave\n");
    expect(file.problems).toEqual([]);
    const f = facts({ changedFiles: ["apps/web/values.yaml"], reviews: [approve("carol")] });
    expect(brief(policy({ rules: [], codeowners: file }), f)).toEqual(["code owners @dave: waiting [] ignored carol=not-eligible"]);
  });

  it("never treats a path owned by an email alone as unowned: its approval waits", () => {
    const file = parseCodeOwners("CODEOWNERS", "* @acme/platform-leads\n/secrets/ security@acme.example\n/shared/ security@acme.example @bob\n");
    const f = facts({ changedFiles: ["secrets/db.yaml", "shared/a.yaml"], reviews: [approve("carol"), approve("bob")] });
    expect(brief(policy({ rules: [], codeowners: file }), f)).toEqual([
      "code owners security@acme.example: waiting [] ignored carol=not-eligible,bob=not-eligible",
      "code owners security@acme.example @bob: satisfied [bob] ignored carol=not-eligible",
    ]);
  });

  it("counts an owner whose login has an underscore (enterprise managed users)", () => {
    const file = parseCodeOwners("CODEOWNERS", "* @octo_acme\n");
    const f = facts({ people: new Map([...people, person("octo_acme")]), reviews: [approve("octo_acme")] });
    expect(brief(policy({ rules: [], codeowners: file }), f)).toEqual(["code owners @octo_acme: satisfied [octo_acme]"]);
  });

  it.each([
    ["*.yaml", "a/b/c.yaml", true],
    ["/build/logs/", "build/logs/x.log", true],
    ["/build/logs/", "build/logs", false],
    ["docs/*", "docs/a.md", true],
    ["docs/*", "docs/a/b.md", false],
    ["/docs/*", "x/docs/a.md", false],
    ["apps/", "x/apps/y.yaml", true],
    ["**/logs", "a/b/logs/c", true],
    ["clusters/**/prod.yaml", "clusters/prod.yaml", true],
    ["clusters/**/prod.yaml", "clusters/a/b/prod.yaml", true],
    ["a.yaml", "a.yaml.bak", false],
    // A line break in a file name (git allows one) kept it out of its folder's owners.
    ["/secure/", "secure/deploy\n.sh", true],
    ["clusters/prod/**", "clusters/prod/a\nb.yaml", true],
    ["keys", "x/keys/id\n_rsa", true],
    ["docs/*", "docs/a\n/b.md", false],
  ] as const)("pattern %s on %s matches: %s", (pattern, path, expected) => {
    expect(parseCodeOwners("CODEOWNERS", `${pattern} @x`).rules[0]!.matches(path)).toBe(expected);
  });
});
