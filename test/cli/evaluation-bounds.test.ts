import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { runCli } from "../support/run-cli.js";

// Every evaluation runs in a worker with a wall-clock and a memory bound; past either, the CLI fails
// closed (exit 2, "could not evaluate") instead of hanging or printing a verdict it did not reach.
const config = "version: 1\nfiles: ['k/**']\nlimits:\n  max_file_bytes: 8388608\n";
const flatMap = (keys: number) => Array.from({ length: keys }, (_, i) => `k${i}: v\n`).join("");

describe("evaluation bounds", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({ ".github/gitgate.yml": config, "k/small.yaml": "a: 1\n" });
    await repo.branch("big", "main", { "k/flat.yaml": flatMap(300_000) });
    await repo.branch("max-config", "main", { ".github/gitgate.yml": "version: 1\nlimits:\n  max_file_bytes: 104857600\n" });
    // Just under 8 MiB of ordinary documents: the schema's maximum must be a size that completes.
    const doc = (i: number) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  value: "${"x".repeat(900)}"\n`;
    await repo.branch("eight-mib", "main", { "k/docs.yaml": Array.from({ length: 8_500 }, (_, i) => doc(i)).join("") });
  });
  afterAll(() => repo.remove());
  afterEach(() => {
    delete process.env.GITGATE_EVALUATION_TIMEOUT_SECONDS;
    delete process.env.GITGATE_EVALUATION_MEMORY_MIB;
  });

  // Judging k/flat.yaml (a 300,000-key map) takes several seconds: a bound of 4 s stops it there, well
  // after the worker has started (from source, under a loaded test run, that alone can take a second).
  it("stops an evaluation past its wall-clock bound, exits 2 saying so, and names the file it was judging", async () => {
    process.env.GITGATE_EVALUATION_TIMEOUT_SECONDS = "4";
    const run = await runCli(["check", "--repo", repo.dir, "--base", "main", "--head", "big"]);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^gitgate: could not evaluate: the evaluation took longer than 4 s and was stopped \(GITGATE_EVALUATION_TIMEOUT_SECONDS\); it was judging "k\/flat\.yaml" \(for \d+\.\d s\)\n$/);
    expect(run.status).toBe(2);
  });

  it("stops an evaluation past its memory bound, exits 2 saying so, and names the file it was judging", async () => {
    process.env.GITGATE_EVALUATION_MEMORY_MIB = "64";
    const run = await runCli(["check", "--repo", repo.dir, "--base", "main", "--head", "big"]);
    expect(run.stderr).toMatch(/^gitgate: could not evaluate: the evaluation needed more than 64 MiB of memory and was stopped \(GITGATE_EVALUATION_MEMORY_MIB\); it was judging "k\/flat\.yaml" \(for \d+\.\d s\)\n$/);
    expect(run.status).toBe(2);
  });

  // A repository's files are judged on several threads (file lanes, from 64 files): whichever judges the
  // big file, the failure names it. Its name is input: shown with its control characters escaped.
  it("names the file a file lane was judging, its control characters escaped", async () => {
    const name = "k/\u001b[2Jflat.yaml";
    const many = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`k/small-${i}.yaml`, "a: 1\n"]));
    const lanes = await createTestRepo({ ".github/gitgate.yml": config, ...many, [name]: flatMap(300_000) });
    try {
      process.env.GITGATE_EVALUATION_MEMORY_MIB = "64";
      const memory = await runCli(["validate", "--repo", lanes.dir]);
      expect(memory.stderr).toMatch(/^gitgate: could not evaluate: the evaluation needed more than 64 MiB of memory and was stopped \(GITGATE_EVALUATION_MEMORY_MIB\); it was judging "k\/\\u001b\[2Jflat\.yaml" \(for \d+\.\d s\)\n$/);
      delete process.env.GITGATE_EVALUATION_MEMORY_MIB;
      process.env.GITGATE_EVALUATION_TIMEOUT_SECONDS = "4";
      const time = await runCli(["validate", "--repo", lanes.dir]);
      expect(time.stderr).toMatch(/; it was judging "k\/\\u001b\[2Jflat\.yaml" \(for \d+\.\d s\)\n$/);
      expect(time.stderr).not.toContain("\u001b");
    } finally {
      await lanes.remove();
    }
  }, 60_000);

  it("refuses a bad bound in the environment instead of running unbounded", async () => {
    process.env.GITGATE_EVALUATION_TIMEOUT_SECONDS = "forever";
    const run = await runCli(["validate", "--repo", repo.dir]);
    expect(run.stderr).toContain("GITGATE_EVALUATION_TIMEOUT_SECONDS must be a number from 0.01 to 3600");
    expect(run.status).toBe(2);
  });

  it("caps limits.max_file_bytes at 8 MiB, at the line that sets it", async () => {
    const run = await runCli(["check", "--repo", repo.dir, "--base", "max-config", "--head", "max-config", "--format", "json"]);
    const report = JSON.parse(run.stdout) as { findings: { rule: string; path: string; line: number; message: string }[] };
    expect(report.findings).toEqual([expect.objectContaining({ path: ".github/gitgate.yml", line: 3, message: expect.stringContaining("8388608") })]);
    expect(run.status).toBe(2);
  });

  it("judges a file just under the 8 MiB maximum within the default bound", async () => {
    const run = await runCli(["check", "--repo", repo.dir, "--base", "main", "--head", "eight-mib", "--format", "json"]);
    expect(run.stderr).toBe("");
    const report = JSON.parse(run.stdout) as { conclusion: string; summary: { documents: number } };
    expect(report).toMatchObject({ conclusion: "success", summary: { documents: 8_500 } });
    expect(run.status).toBe(0);
  }, 120_000);
});
