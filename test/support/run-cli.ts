import { main } from "../../src/cli/main.js";
import type { Report } from "../../src/engine/report.js";

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in-process and captures what a user would see. */
export async function runCli(args: string[], options: { tty?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const status = await main(args, {
    stdout: { write: (text: string) => (stdout += text), isTTY: options.tty ?? false },
    stderr: { write: (text: string) => (stderr += text) },
  }, options.env);
  return { status, stdout, stderr };
}

/** `gitgate check --format json` parsed, for exact assertions on findings. */
export async function checkJson(repo: string, head: string, extra: string[] = []) {
  const run = await runCli(["check", "--repo", repo, "--base", "main", "--head", head, "--format", "json", ...extra]);
  if (run.stderr) throw new Error(run.stderr);
  return { status: run.status, report: JSON.parse(run.stdout) as Report };
}
