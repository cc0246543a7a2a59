import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildExampleRepo, type ExampleRepo } from "../../src/examples/example-repo.js";
import { runCli } from "../support/run-cli.js";

let example: ExampleRepo;
beforeAll(async () => {
  example = await buildExampleRepo();
}, 120_000);
afterAll(() => example?.remove());

const check = (extra: string[]) => ["check", "--repo", example.dir, "--base", "main", "--head", "broken-schema", ...extra];
const ansi = /\x1b\[/;

describe("colour", () => {
  it("is on at a terminal, off in a pipe", async () => {
    expect((await runCli(check([]), { tty: true, env: {} })).stdout).toMatch(ansi);
    expect((await runCli(check([]), { tty: false, env: {} })).stdout).not.toMatch(ansi);
  });

  it("honours NO_COLOR at a terminal, and --color / --no-color over both", async () => {
    expect((await runCli(check([]), { tty: true, env: { NO_COLOR: "1" } })).stdout).not.toMatch(ansi);
    expect((await runCli(check([]), { tty: true, env: { NO_COLOR: "" } })).stdout).toMatch(ansi);
    expect((await runCli(check(["--color"]), { tty: false, env: { NO_COLOR: "1" } })).stdout).toMatch(ansi);
    expect((await runCli(check(["--no-color"]), { tty: true, env: {} })).stdout).not.toMatch(ansi);
  });
});

describe("--output FILE", () => {
  it("writes the report to the file and still prints the text summary", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "gitgate-out-")), "report.sarif");
    const run = await runCli(check(["--format", "sarif", "--output", file]), { env: {} });
    expect(run.status).toBe(1);
    expect(JSON.parse(readFileSync(file, "utf8")).version).toBe("2.1.0");
    expect(run.stdout).toMatch(/^FAIL gitgate\/validate: 5 new errors\n/);
    expect(run.stdout).toContain("  5:15     error   replicaCount must be an integer (schemas/values.schema.json)  schema/type");
    expect(run.stdout).toContain("5 errors (5 new, 0 existing), 1 warning, 0 notices in 2 governed files");
    expect(run.stdout).toMatch(new RegExp(`Report written to ${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} \\(sarif\\)\\.\\n$`));
  });
});

describe("did you mean", () => {
  it("suggests the command or option meant", async () => {
    expect((await runCli(["chek"])).stderr).toContain('unknown command "chek": did you mean "check"?');
    expect((await runCli(["check", "--colour"])).stderr).toContain('unknown option "--colour": did you mean "--color"?');
    expect((await runCli(["check", "--no-colr"])).stderr).toContain('did you mean "--no-color"?');
  });
});
