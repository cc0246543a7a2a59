import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/engine/report.js";
import { runGit } from "../../src/git/run-git.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { runCli } from "../support/run-cli.js";

const findingsOf = (report: Report) => report.findings.map((f) => `${f.severity} ${f.rule} ${f.path}:${f.line}:${f.column} ${f.message}`);

/** Runs the CLI from `dir`, as a hook or a user in that folder would. */
async function runIn(dir: string, args: string[]) {
  const before = process.cwd();
  process.chdir(dir);
  try {
    return await runCli(args);
  } finally {
    process.chdir(before);
  }
}

describe("gitgate validate never passes in silence", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\nfiles: ['k8s/**/*.yaml']\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\n",
      "k8s/base/ok.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n",
      "k8s/base/bad.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 7\n",
      "k8s/notes.txt": "not governed\n",
      "docs/readme.md": "# not governed\n",
    });
  });
  afterAll(() => repo.remove());

  it("validates the governed files of a folder, recursively", async () => {
    const run = await runIn(repo.dir, ["validate", "k8s", "--format", "json"]);
    const report = JSON.parse(run.stdout) as Report;
    expect(findingsOf(report)).toEqual(["error schema/type k8s/base/bad.yaml:4:9 metadata.name must be a string (Kubernetes v1 ConfigMap)"]);
    expect(report.summary.governedFiles).toBe(2);
    expect(run.status).toBe(1);
  });

  it("validates `.` as the whole repository", async () => {
    const run = await runIn(join(repo.dir, "k8s"), ["validate", "."]);
    expect(run.stdout.split("\n")[0]).toBe("FAIL gitgate/validate: 1 new error");
    expect(run.stdout).toContain("in 2 governed files");
    expect(run.status).toBe(1);
  });

  it("validates the files a quoted glob matches", async () => {
    const run = await runIn(repo.dir, ["validate", "k8s/**/ok.yaml", "--format", "json"]);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.summary.governedFiles).toBe(1);
    expect(report.findings).toEqual([]);
    expect(run.status).toBe(0);
  });

  it("finds the repository and its config from a subfolder, with paths relative to it", async () => {
    const run = await runIn(join(repo.dir, "k8s/base"), ["validate", "bad.yaml", "--format", "json"]);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.controlPlane.defaulted).toBe(false);
    expect(findingsOf(report)).toEqual(["error schema/type k8s/base/bad.yaml:4:9 metadata.name must be a string (Kubernetes v1 ConfigMap)"]);
    expect(run.status).toBe(1);
  });

  it("refuses a path that does not exist, naming it (exit 2)", async () => {
    const run = await runIn(repo.dir, ["validate", "k8s/base/ok.yaml", "nothere.yaml"]);
    expect(run.stderr.split("\n")[0]).toBe("gitgate: nothere.yaml does not exist");
    expect(run.stdout).toBe("");
    expect(run.status).toBe(2);
  });

  it("refuses a glob that matches no file (exit 2)", async () => {
    const run = await runIn(repo.dir, ["validate", "k8z/**/*.yaml"]);
    expect(run.stderr.split("\n")[0]).toBe("gitgate: no file matches k8z/**/*.yaml");
    expect(run.status).toBe(2);
  });

  it("says on stderr which named files are not governed", async () => {
    const run = await runIn(repo.dir, ["validate", "k8s/base/ok.yaml", "docs/readme.md", "k8s/notes.txt"]);
    expect(run.stderr).toBe("gitgate: not checked, the config does not govern them: docs/readme.md, k8s/notes.txt\n");
    expect(run.status).toBe(0);
  });

  it("says loudly, in every format, that nothing was validated", async () => {
    const json = await runIn(repo.dir, ["validate", "docs", "--format", "json"]);
    const report = JSON.parse(json.stdout) as Report;
    expect(json.stderr).toBe("gitgate: docs: no file in it is governed by the config: nothing checked there\n");
    expect(report.title).toBe("No file was validated");
    expect(report.summary.governedFiles).toBe(0);
    expect(findingsOf(report)).toEqual([
      "warning validate/nothing .github/gitgate.yml:1:1 No file was validated: none of the paths given is a file .github/gitgate.yml governs.",
    ]);
    expect(json.status).toBe(0);

    const text = await runIn(repo.dir, ["validate", "docs/readme.md"]);
    expect(text.stdout.split("\n").slice(0, 2)).toEqual(["WARN gitgate/validate: No file was validated", "working tree, fail_on: new"]);
    expect(text.stdout).toContain("validate/nothing");

    const markdown = await runIn(repo.dir, ["validate", "docs/readme.md", "--format", "markdown"]);
    expect(markdown.stdout.split("\n")[0]).toBe("## ⚠️ gitgate/validate: No file was validated");
    expect(markdown.stdout).toContain("Judged by the control plane in the working tree (`fail_on: new`).");

    const sarif = await runIn(repo.dir, ["validate", "docs/readme.md", "--format", "sarif"]);
    const results = (JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string; level: string }[] }[] }).runs[0]!.results;
    expect(results.map((r) => `${r.level} ${r.ruleId}`)).toEqual(["warning validate/nothing"]);
  });
});

describe("gitgate validate on a repository without a config", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({ "notes/a.txt": "plain\n" });
  });
  afterAll(() => repo.remove());

  it("says it uses the built-in defaults, and that nothing was validated, in every format", async () => {
    const text = await runCli(["validate", "--repo", repo.dir]);
    expect(text.stdout).toBe([
      "WARN gitgate/validate: No file was validated",
      "working tree, fail_on: new",
      "config: built-in defaults (no .github/gitgate.yml in the repository)",
      "",
      ".github/gitgate.yml",
      "  1:1      warning No file was validated: no file in the working tree is governed by the built-in default config (its files and ignore globs).  validate/nothing",
      "",
      "0 errors (0 new, 0 existing), 1 warning, 0 notices in 0 governed files (0 documents)",
      "",
    ].join("\n"));
    expect(text.status).toBe(0);

    const report = JSON.parse((await runCli(["validate", "--repo", repo.dir, "--format", "json"])).stdout) as Report;
    expect(report.controlPlane.defaulted).toBe(true);
    expect(report.findings.map((f) => f.rule)).toEqual(["validate/nothing"]);

    const markdown = await runCli(["validate", "--repo", repo.dir, "--format", "markdown"]);
    expect(markdown.stdout).toContain("Judged by the control plane in the working tree (`fail_on: new`, built-in defaults: no config file).");

    const sarif = JSON.parse((await runCli(["validate", "--repo", repo.dir, "--format", "sarif"])).stdout) as {
      runs: { invocations?: { toolConfigurationNotifications: { level: string; message: { text: string } }[] }[] }[];
    };
    expect(sarif.runs[0]!.invocations?.[0]?.toolConfigurationNotifications.map((n) => `${n.level} ${n.message.text}`)).toEqual([
      "warning Judged by Gitgate's built-in default config: no .github/gitgate.yml in the repository.",
    ]);
  });
});

describe("config globs that match no file", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\nfiles: ['k8z/**/*.yaml', 'k8s/**/*.yaml']\nignore: ['k8s/vendr/**']\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\n",
      "k8s/ok.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n",
    });
    await repo.branch("feature", "main", { "k8s/new.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new\n" });
  });
  afterAll(() => repo.remove());

  const expected = (where: string) => [
    `warning config/glob-matches-nothing .github/gitgate.yml:2:9 files[0]: "k8z/**/*.yaml" matches no file ${where}, so it selects nothing: check it for a typo, or remove it`,
  ];

  // ignore: ['k8s/vendr/**'] matches nothing too, and is not warned: an unused ignore glob is harmless.
  it("are a warning on their config line in validate (the working tree)", async () => {
    const run = await runCli(["validate", "--repo", repo.dir, "--format", "json"]);
    expect(findingsOf(JSON.parse(run.stdout) as Report)).toEqual(expected("in the working tree"));
    expect(run.status).toBe(0);
  });

  it("are a warning on their config line in check (the base commit's tree)", async () => {
    const run = await runCli(["check", "--repo", repo.dir, "--base", "main", "--head", "feature", "--format", "json"]);
    expect(findingsOf(JSON.parse(run.stdout) as Report)).toEqual(expected("at the base commit (main) nor at the head (feature)"));
    expect(run.status).toBe(0);
  });

  // The config at the base judges the change, so check warned only of the base's globs: a pull request
  // bringing a typo into the config was not told, and every pull request after it was.
  it("are a warning on the edited config's line when the change edits the config (the head's tree)", async () => {
    await repo.branch("config-edit", "main", { ".github/gitgate.yml": "version: 1\nfiles: ['k8s/**/*.yaml', 'clustrs/**/*.yaml']\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\n" });
    const head = (await repo.sha("config-edit")).slice(0, 12);
    const run = await runCli(["check", "--repo", repo.dir, "--base", "main", "--head", "config-edit", "--format", "json"]);
    expect(findingsOf(JSON.parse(run.stdout) as Report)).toEqual([
      `warning config/glob-matches-nothing .github/gitgate.yml:2:26 files[1]: "clustrs/**/*.yaml" matches no file at the head (${head}), so it selects nothing: check it for a typo, or remove it`,
      "notice config/control-plane-change .github/gitgate.yml:1:1 This change edits the control plane (Gitgate config). It takes effect after merge: this PR is judged by the base version.",
    ]);
  });

  // An edit of another line is not told of the base's own typo again, as if it were new; and a config
  // given with --config judges the change, so its globs are the ones checked, the repository's edit or not.
  it("warns of the globs an edit brings only, and of a --config's globs whatever the change edits", async () => {
    await repo.branch("config-keeps-typo", "main", { ".github/gitgate.yml": "version: 1\nfiles: ['k8z/**/*.yaml', 'k8s/**/*.yaml', 'clustrs/**']\nignore: ['k8s/vendr/**']\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\n" });
    const head = (await repo.sha("config-keeps-typo")).slice(0, 12);
    const edited = await runCli(["check", "--repo", repo.dir, "--base", "main", "--head", "config-keeps-typo", "--format", "json"]);
    expect(findingsOf(JSON.parse(edited.stdout) as Report).filter((f) => f.includes("glob-matches-nothing"))).toEqual([
      `warning config/glob-matches-nothing .github/gitgate.yml:2:43 files[2]: "clustrs/**" matches no file at the head (${head}), so it selects nothing: check it for a typo, or remove it`,
    ]);
    const override = join(repo.dir, "..", `override-${head}.yml`);
    await writeFile(override, "version: 1\nfiles: ['k8s/**/*.yaml', 'kates/**']\n");
    try {
      const run = await runCli(["check", "--repo", repo.dir, "--base", "main", "--head", "config-keeps-typo", "--config", override, "--format", "json"]);
      expect(findingsOf(JSON.parse(run.stdout) as Report).filter((f) => f.includes("glob-matches-nothing"))).toEqual([
        `warning config/glob-matches-nothing .github/gitgate.yml:2:26 files[1]: "kates/**" matches no file at the base commit (main) nor at the head (config-keeps-typo), so it selects nothing: check it for a typo, or remove it`,
      ]);
    } finally {
      await rm(override, { force: true });
    }
  });
});

describe("a config glob that names a folder", () => {
  // Written as CODEOWNERS or .gitignore write a folder, a glob matches no file in it: an approval rule
  // over `clusters/production` required nobody for the files inside, with no word but "check it for a typo".
  it("is a warning that says how to select the files in it", async () => {
    const repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\napprovals:\n  rules:\n    - name: production\n      files: ['clusters/production/']\n      count: 2\n",
      "clusters/production/app.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n",
    });
    try {
      const run = await runCli(["validate", "--repo", repo.dir, "--format", "json"]);
      expect(findingsOf(JSON.parse(run.stdout) as Report)).toEqual([
        'warning config/glob-matches-nothing .github/gitgate.yml:5:15 approvals.rules[0].files[0]: "clusters/production/" names a folder, and a glob matches files, never a folder, so it selects nothing: write "clusters/production/**" for the files in it',
      ]);
    } finally {
      await repo.remove();
    }
  });
});

describe("messages that say what to do", () => {
  let outside: string;
  beforeAll(async () => {
    outside = await mkdtemp(join(tmpdir(), "gitgate-not-a-repo-"));
  });
  afterAll(() => rm(outside, { recursive: true, force: true }));

  it("suggests the command or option a typo meant", async () => {
    const command = await runCli(["valdate"]);
    expect(command.stderr.split("\n")[0]).toBe('gitgate: unknown command "valdate": did you mean "validate"?');
    expect(command.status).toBe(2);
    const option = await runCli(["validate", "--fromat", "json"]);
    expect(option.stderr.split("\n")[0]).toBe('gitgate: unknown option "--fromat": did you mean "--format"?');
    expect(option.status).toBe(2);
  });

  it("says plainly that --repo is not a git repository (exit 2)", async () => {
    for (const command of ["validate", "check"]) {
      const run = await runCli([command, "--repo", outside]);
      expect(run.stderr).toBe(`gitgate: ${outside} is not inside a git repository: run gitgate in one, or pass --repo with its folder\n`);
      expect(run.status).toBe(2);
    }
  });

  describe("in a shallow clone", () => {
    let repo: TestRepo;
    let clone: string;
    beforeAll(async () => {
      repo = await createTestRepo({ "a.yaml": "a: 1\n" });
      await repo.commit("main", { "b.yaml": "b: 1\n" });
      await repo.branch("feature", "main~1", { "c.yaml": "c: 1\n" });
      await repo.commit("main", { "d.yaml": "d: 1\n" });
      clone = await mkdtemp(join(tmpdir(), "gitgate-shallow-"));
      await runGit(clone, ["clone", "-q", "--depth", "1", "--no-single-branch", `file://${repo.dir}`, "."]);
    });
    afterAll(async () => {
      await repo.remove();
      await rm(clone, { recursive: true, force: true });
    });

    it("says to fetch more history instead of a raw git error", async () => {
      const run = await runCli(["check", "--repo", clone, "--base", "origin/main", "--head", "origin/feature"]);
      expect(run.stderr).toMatch(/^gitgate: cannot find where [0-9a-f]{12} left [0-9a-f]{12}: this is a shallow clone without that history\. Fetch it \(`git fetch --unshallow`, or `fetch-depth: 0` in actions\/checkout\) and run gitgate check again\n$/);
      expect(run.status).toBe(2);
    });
  });
});

describe("gitgate validate never speaks of a base", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\nfiles: ['k8s/**']\npolicies:\n  paths: ['polcy/']\n",
      "k8s/a.yaml": "a: 1\n",
    });
  });
  afterAll(() => repo.remove());

  it("words control-plane problems for the working tree, in every format", async () => {
    const json = JSON.parse((await runCli(["validate", "--repo", repo.dir, "--format", "json"])).stdout) as Report;
    expect(findingsOf(json)).toEqual([
      'error config/policy-path .github/gitgate.yml:4:11 policies.paths: "polcy/" holds no .rego files in the working tree, so its policies cannot run: fix the path or remove it',
    ]);
    for (const format of ["text", "markdown", "sarif"]) {
      const run = await runCli(["validate", "--repo", repo.dir, "--format", format]);
      expect(run.stdout).not.toMatch(/\bbase\b/i);
      expect(run.status).toBe(2);
    }
    await writeFile(join(repo.dir, "broken.yml"), "version: 2\n");
    const broken = await runCli(["validate", "--repo", repo.dir, "--config", join(repo.dir, "broken.yml"), "--format", "json"]);
    expect((JSON.parse(broken.stdout) as Report).title).toBe("Gitgate config is invalid");
  });
});
