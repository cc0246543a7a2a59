import type { Report } from "../../src/engine/report.js";
import type { TestRepo } from "./git-repo.js";
import { runCli } from "./run-cli.js";

/** Every format a user can ask `gitgate check` for: a secret must appear in none of them. */
export const formats = ["text", "json", "markdown", "sarif"] as const;

/** `gitgate check` of `head` against `base` in every format, all outputs joined, and the JSON report parsed. */
export async function checkAll(repo: TestRepo, head: string, base = "main") {
  const outputs: Record<string, string> = {};
  for (const format of formats) {
    const run = await runCli(["check", "--repo", repo.dir, "--base", base, "--head", head, "--format", format]);
    if (run.stderr) throw new Error(run.stderr);
    outputs[format] = run.stdout;
  }
  return { outputs, all: Object.values(outputs).join("\n"), report: JSON.parse(outputs.json!) as Report };
}

/** Throws naming the first 8-character slice of `secret` found in `text`. */
export function expectNoSlice(text: string, secret: string, size = 8) {
  for (let i = 0; i + size <= secret.length; i++) {
    const slice = secret.slice(i, i + size);
    if (text.includes(slice)) throw new Error(`"${slice}" of secret "${secret}" appears in the output`);
  }
}
