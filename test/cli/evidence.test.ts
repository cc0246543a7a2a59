import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { hostileTitle, runAgainst, useReplayedHistory } from "../support/replayed-history.js";

// `gitgate evidence` over HTTP against the fake GitHub whose history the real App built: a pull request
// approved and merged, a direct push, and an admin merge past a failing check. The record must name who
// wrote, approved and merged each change, the checks on the merged head, the files, and every bypass.

const history = useReplayedHistory();
const { shas } = history;

const evidence = (args: string[]) => runAgainst(history, ["evidence", "--repo", "acme/platform-config", ...args]);

const mergedAt = (pull: number) => history.app.repo.pulls.get(pull)!.merged!.mergedAt;

interface EvidenceJson {
  branch: string;
  commits: number;
  verdict: string;
  appId: number | null;
  pullRequests: { pull: number; title: string; author: string; mergedBy: string; mergedAt: string; mergedHead: string; method: string | null; verdict: string; commits: { sha: string }[]; approvals: unknown[]; changesRequested: string[]; checks: unknown[]; changed: unknown }[];
  bypasses: { sha: string; pull: number | null; reasons: string[]; changed: unknown }[];
}

describe("gitgate evidence", () => {
  it("records who wrote, approved and merged each pull request, its checks and files, and every bypass (exit 1)", async () => {
    const run = await evidence(["--format", "json"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(1);
    const record = JSON.parse(run.stdout) as EvidenceJson;
    expect(record).toMatchObject({ branch: "main", requireApproval: true, commits: 4, verdict: "fail", appId: history.app.fake.appId });
    const [first, second] = record.pullRequests;
    expect(record.pullRequests).toHaveLength(2);
    expect(first).toEqual({
      pull: 1, title: "change 1", url: "https://github.com/acme/platform-config/pull/1", author: "dev", mergedBy: "maintainer", mergedAt: mergedAt(1),
      mergedHead: shas.feature, method: "merge commit", verdict: "through-pr",
      commits: [expect.objectContaining({ sha: shas.feature, author: "Test", authorMatched: false }), expect.objectContaining({ sha: shas.merge, author: "Merger", authorMatched: false })],
      approvals: [{ reviewer: "alice", commit: shas.feature, submittedAt: expect.any(String), ofMergedHead: true }],
      changesRequested: ["bob"],
      checks: [{ name: "gitgate/approval", conclusion: "success" }, { name: "gitgate/validate", conclusion: "success" }],
      changed: { files: [{ path: "apps/web/values.yaml", status: "modified" }], complete: true },
    });
    expect(second).toMatchObject({
      pull: 2, title: hostileTitle, mergedHead: shas.badHead, method: null, verdict: "bypass",
      commits: [expect.objectContaining({ sha: shas.adminSquash })],
      checks: [{ name: "gitgate/approval", conclusion: "success" }, { name: "gitgate/validate", conclusion: "failure" }],
    });
    expect(record.bypasses.map((b) => [b.sha, b.pull, b.reasons, b.changed])).toEqual([
      [shas.direct, null, ["no pull request merged into main brought this commit: it was pushed directly"],
        { files: [{ path: "apps/api/values.yaml", status: "added" }, { path: "apps/web/values.yaml", status: "modified" }], complete: true }],
      [shas.adminSquash, 2, [`pull request #2 was merged past gitgate/validate (failure) on its merged head ${shas.badHead.slice(0, 12)}`],
        { files: [{ path: "apps/web/values.yaml", status: "modified" }], complete: true }],
    ]);
  });

  it("prints a Markdown record by default, where nothing from GitHub can add a heading, a link or a row", async () => {
    const run = await evidence([]);
    expect(run.status).toBe(1);
    const lines = run.stdout.split("\n");
    const at = (sha: string) => `\`${sha.slice(0, 12)}\``;
    const approvedAt = (pull: number) => history.app.repo.reviews.find((r) => r.pullNumber === pull && r.user === "alice")!.submittedAt;
    expect(lines.slice(0, 7)).toEqual([
      "# Change evidence: `acme/platform-config`, branch `main`",
      "",
      expect.stringMatching(/^- Period: \S+Z to \S+Z \(when generated\)$/),
      expect.stringMatching(/^- Generated: \S+Z by gitgate \S+, from GitHub's records; check runs trusted from GitHub App 4242$/),
      "- 4 commits reached `main`; 2 pull requests brought them; 2 bypasses",
      "- Required of each merge: `gitgate/validate` and `gitgate/approval`; approvals on record are each reviewer's latest review before the merge, and which of them counted is the verdict of `gitgate/approval`",
      "- Verdict: **FAIL**: 2 commits reached the branch outside a pull request Gitgate passed",
    ]);
    const first = lines.indexOf("### #1 change 1");
    expect(lines.slice(first, first + 15)).toEqual([
      "### #1 change 1",
      "",
      "- Link: `https://github.com/acme/platform-config/pull/1`",
      "- Author: @dev",
      `- Merged by: @maintainer at ${mergedAt(1)} (merge commit), head ${at(shas.feature)}`,
      `- Approvals on record at the merge: @alice on ${at(shas.feature)} at ${approvedAt(1)} (the merged head)`,
      "- Changes requested by: @bob",
      "- Checks on the merged head: `gitgate/approval` success; `gitgate/validate` success",
      "- Verdict: through a pull request Gitgate passed",
      `- Commits it brought: ${at(shas.feature)} by Test (the name in the commit: no GitHub account matched its e-mail); ${at(shas.merge)} by Merger (the name in the commit: no GitHub account matched its e-mail)`,
      "",
      "Files it changed (1):",
      "",
      "- modified `apps/web/values.yaml`",
      "",
    ]);
    // The title is text: its # starts no heading, its link links nowhere, its | splits nothing.
    const escapedTitle = "\\# Approved by the CISO \\[see\\]\\(`https://evil.example)` \\| forged \\| row";
    expect(lines.filter((l) => l.startsWith("#"))).toEqual([
      "# Change evidence: `acme/platform-config`, branch `main`",
      "## Pull requests",
      "### #1 change 1",
      `### #2 ${escapedTitle}`,
      "## Bypasses",
      `### ${at(shas.direct)} change`,
      `### ${at(shas.adminSquash)} ${escapedTitle} \\(\\#2\\)`,
    ]);
    expect(lines).toContain("- Verdict: **bypass** (see Bypasses)");
    expect(lines).toContain("- Why: no pull request merged into main brought this commit\\: it was pushed directly");
    expect(run.stdout).not.toContain("](https://evil.example)");
  });

  it("keeps to the period: a day given to --until is the whole day, and --until alone ends the 30 days before it", async () => {
    for (const period of [["--since", "2019-12-31", "--until", "2020-01-01"], ["--until", "2020-01-01"]]) {
      const run = await evidence([...period, "--format", "json"]);
      expect(run.status).toBe(1);
      const record = JSON.parse(run.stdout) as EvidenceJson & { since: string; until: string };
      expect(record).toMatchObject({ since: period.length === 4 ? "2019-12-31T00:00:00.000Z" : "2019-12-03T00:00:00.000Z", until: "2020-01-02T00:00:00.000Z", commits: 1, pullRequests: [] });
      expect(record.bypasses.map((b) => [b.sha, b.changed])).toEqual([[shas.root, {
        files: [{ path: ".github/gitgate.yml", status: "added" }, { path: "apps/web/values.yaml", status: "added" }, { path: "schemas/values.schema.json", status: "added" }], complete: true,
      }]]);
    }
  });

  it("exits 2 on a format it does not print, or a period that ends before it starts", async () => {
    const text = await evidence(["--format", "text"]);
    expect(text.status).toBe(2);
    expect(text.stderr).toContain("gitgate: evidence prints markdown or json, not text");
    const backwards = await evidence(["--since", "2026-05-02", "--until", "2026-05-01"]);
    expect(backwards.status).toBe(2);
    expect(backwards.stderr).toContain("gitgate: --until (2026-05-01) is not after --since (2026-05-02)");
    const impossible = await evidence(["--until", "2026-02-30"]);
    expect(impossible.status).toBe(2);
    expect(impossible.stderr).toContain('--until takes a date such as 2026-05-01 or 2026-05-01T12:00:00Z (got "2026-02-30")');
  });

  it("says could not decide (exit 2) when a pull request of the period cannot be read", async () => {
    history.app.fake.failNext("GET", /\/pulls\/1\/reviews/, 404);
    const run = await evidence(["--format", "json"]);
    expect(run).toMatchObject({ status: 2, stdout: "" });
    expect(run.stderr).toBe("gitgate: could not decide provenance: could not read the pull requests and commits of the period: injected 404\n");
  });

  // Last: it adds a commit to the history. The rules of a period are the config as the period ended: a
  // later commit dropping the approvals section must not turn an earlier period's merges into passes.
  it("judges a period by the config as it ended, not as it is today", async () => {
    const dropped = "version: 1\nschemas:\n  - files: \"apps/*/values.yaml\"\n    schema: schemas/values.schema.json\n";
    const commitOn = async (when: string, files: Record<string, string>) => {
      await history.repo.commit("main", files);
      execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@gitgate.invalid", "commit", "-q", "--amend", "--no-edit", `--date=${when}`], { cwd: history.repo.dir, env: { ...process.env, GIT_COMMITTER_DATE: when } });
    };
    // In 2030 the approvals section is dropped, and a change lands under the new rules a week later.
    await commitOn("2030-01-01T00:00:00Z", { ".github/gitgate.yml": dropped });
    await commitOn("2030-01-08T00:00:00Z", { "apps/web/values.yaml": "replicas: 4\n" });
    const today = new Date().toISOString().slice(0, 10);
    const before = JSON.parse((await evidence(["--until", today, "--format", "json"])).stdout) as EvidenceJson & { requireApproval: boolean };
    expect(before).toMatchObject({ requireApproval: true, commits: 4, verdict: "fail" });
    // The commit dropping the section landed under the rules before it.
    const dropping = JSON.parse((await evidence(["--since", "2029-12-31", "--until", "2030-01-01", "--format", "json"])).stdout) as EvidenceJson & { requireApproval: boolean };
    expect(dropping).toMatchObject({ requireApproval: true, commits: 1 });
    const after = JSON.parse((await evidence(["--since", "2030-01-07", "--until", "2030-01-08", "--format", "json"])).stdout) as EvidenceJson & { requireApproval: boolean };
    expect(after).toMatchObject({ requireApproval: false, commits: 1 });
    // A period across the change is two periods' business: no verdict judges one side by the other's rules.
    const across = await evidence(["--since", today, "--until", "2030-01-08", "--format", "json"]);
    expect(across).toMatchObject({ status: 2, stdout: "" });
    expect(across.stderr).toContain("the approvals section changed within the period; ask for the periods before and after that change");
  });
});
