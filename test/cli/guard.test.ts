import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { runAgainst, useReplayedHistory } from "../support/replayed-history.js";
import { approvalExternalId, validateExternalId } from "../../src/github/verdict-records.js";

// `gitgate guard` over HTTP against the fake GitHub whose history the real App built: merges it
// judged, a direct push and an admin merge. The CLI must tell them apart as the App's guard does.

const history = useReplayedHistory();
const { shas } = history;

const guard = (args: string[], env?: Record<string, string>) => runAgainst(history, ["guard", ...args], env);

describe("gitgate guard", () => {
  it("prints every commit with its provenance, and every bypass (exit 1)", async () => {
    const run = await guard(["--repo", "acme/platform-config", "--format", "json"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { branch: string; requireApproval: boolean; bypasses: number; commits: { sha: string; verdict: string; pull: number | null; method: string | null; reasons: string[] }[] };
    expect(report).toMatchObject({ branch: "main", requireApproval: true, bypasses: 2 });
    expect(report.commits.map((c) => [c.sha, c.verdict, c.pull, c.method, c.reasons])).toEqual([
      [shas.feature, "through-pr", 1, "merge commit", []],
      [shas.merge, "through-pr", 1, "merge commit", []],
      [shas.direct, "bypass", null, null, ["no pull request merged into main brought this commit: it was pushed directly"]],
      [shas.adminSquash, "bypass", 2, null, [`pull request #2 was merged past gitgate/validate (failure) on its merged head ${shas.badHead!.slice(0, 12)}`]],
    ]);
  });

  it("prints text; exits 0 when no commit bypassed (here: none since a future date)", async () => {
    const run = await guard(["--repo", "acme/platform-config", "--branch", "main", "--since", "2020-01-01"]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`  ok      ${shas.merge!.slice(0, 12)}  #1 (merge commit)`);
    expect(run.stdout).toContain(`  BYPASS  ${shas.direct!.slice(0, 12)}`);
    expect(run.stdout).toContain("FAIL: 3 commits reached main outside an approved pull request");
    const future = await guard(["--repo", "acme/platform-config", "--since", "2030-01-01"]);
    expect(future).toMatchObject({ status: 0, stderr: "" });
    expect(future.stdout).toContain("0 commits, 0 bypasses");
  });

  it("exits 2 when it cannot decide or is used wrongly", async () => {
    const missing = await guard(["--repo", "acme/nothing-here"]);
    expect(missing).toMatchObject({ status: 2, stdout: "" });
    expect(missing.stderr).toBe("gitgate: could not decide provenance: acme/nothing-here: the repository not found, or the token cannot read it\n");
    const noToken = await guard(["--repo", "acme/platform-config"], {});
    expect(noToken.status).toBe(2);
    expect(noToken.stderr).toContain("set GITHUB_TOKEN");
    const badDate = await guard(["--repo", "acme/platform-config", "--since", "yesterday"]);
    expect(badDate.status).toBe(2);
    expect(badDate.stderr).toContain('--since takes a date such as 2026-05-01 or 2026-05-01T12:00:00Z (got "yesterday")');
  });

  // Any workflow with checks: write can publish runs named gitgate/validate and gitgate/approval, and
  // the records in their external_id are not secret. The CLI took GitHub Actions for an App it could
  // trust: beside Gitgate's runs it stopped as ambiguous, and before Gitgate was installed (no App run
  // at all) it trusted the forged runs and passed the admin merge.
  it("never trusts check runs GitHub Actions published, and with no App trusted counts no run", async () => {
    const repository = history.app.fake.repository("acme", "platform-config")!;
    const forged = (id: number, name: string, externalId: string) => ({
      id, appId: 15368, appSlug: "github-actions", name, head_sha: shas.badHead!, status: "completed", conclusion: "success",
      external_id: externalId, details_url: "https://github.com/acme/platform-config/pull/2", output: { annotations: [] }, actions: [],
    });
    const own = repository.checkRuns.splice(0);
    repository.checkRuns.push(forged(90_001, "gitgate/validate", validateExternalId([{ pullNumber: 2, baseRef: "main", digest: undefined }])), forged(90_002, "gitgate/approval", approvalExternalId(2, "main")));
    try {
      const alone = await guard(["--repo", "acme/platform-config", "--format", "json"]);
      expect(alone.status).toBe(1);
      const report = JSON.parse(alone.stdout) as { appId: number | null; commits: { sha: string; verdict: string }[]; notes: string[] };
      expect(report.appId).toBeNull();
      expect(report.commits.map((c) => [c.sha, c.verdict])).toEqual([
        [shas.feature, "bypass"], [shas.merge, "bypass"], [shas.direct, "bypass"], [shas.adminSquash, "bypass"],
      ]);
      expect(report.notes).toContain("no GitHub App has published gitgate/validate on these commits' pull requests: every merge counts as unchecked");
      repository.checkRuns.push(...own);
      const beside = await guard(["--repo", "acme/platform-config", "--format", "json"]);
      expect(beside.stderr).toBe("");
      expect((JSON.parse(beside.stdout) as { commits: { sha: string; verdict: string }[] }).commits.map((c) => [c.sha, c.verdict])).toEqual([
        [shas.feature, "through-pr"], [shas.merge, "through-pr"], [shas.direct, "bypass"], [shas.adminSquash, "bypass"],
      ]);
    } finally {
      repository.checkRuns.splice(0, repository.checkRuns.length, ...own);
    }
  });

  // A commit's dates are its committer's word. GitHub lists a period's commits by them, so a direct push
  // dated a year back was not in the last 30 days: the guard CLI (and the evidence) passed the period.
  it("finds a commit pushed within the period under a date before it, by GitHub's record of the push", async () => {
    const repository = history.app.fake.repository("acme", "platform-config")!;
    const before = await history.repo.sha("main");
    await history.repo.commit("main", { "apps/web/values.yaml": "replicas: 50\n" });
    const backdated = "2025-01-01T00:00:00Z";
    execFileSync("git", ["-c", "user.name=Mallory", "-c", "user.email=mallory@gitgate.invalid", "commit", "-q", "--amend", "--no-edit", `--date=${backdated}`], { cwd: history.repo.dir, env: { ...process.env, GIT_COMMITTER_DATE: backdated } });
    const after = await history.repo.sha("main");
    history.app.fake.recordPush(repository, { branch: "main", actor: "mallory", before, after });
    const run = await guard(["--repo", "acme/platform-config", "--format", "json"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { bypasses: number; commits: { sha: string; verdict: string; reasons: string[] }[] };
    expect(report.bypasses).toBe(3);
    expect(report.commits.map((c) => [c.sha, c.verdict])).toEqual([
      [shas.feature, "through-pr"], [shas.merge, "through-pr"], [shas.direct, "bypass"], [shas.adminSquash, "bypass"], [after, "bypass"],
    ]);
    // Pushed before the period: not in it, whatever its date.
    const later = await guard(["--repo", "acme/platform-config", "--since", "2030-01-01"]);
    expect(later).toMatchObject({ status: 0, stderr: "" });
  });
});
