import { writeFile } from "node:fs/promises";
import type { Worker } from "node:worker_threads";
import { GitError } from "../git/run-git.js";
import { printable } from "../render/terminal-text.js";
import { toolVersion } from "../render/tool-version.js";
import type { Evaluation } from "./check-command.js";
import { parseCliOptions, UsageError } from "./cli-options.js";
import { createProgress } from "./progress.js";
import { usage } from "./usage.js";

/** Where the CLI writes; tests pass their own to read what a user would see. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

/**
 * Runs the CLI and returns its exit status: 0 no errors, 1 error findings, 2 usage or config error
 * (`approvals`: 0 satisfied, 1 waiting or blocked, 2 usage or could not decide; `guard` and `evidence`:
 * 0 every commit came through an approved pull request, 1 a bypass, 2 usage or could not decide). `earlyWorker`: the
 * evaluation worker bin.ts started for check or validate, to be taken by the first that needs one.
 */
export async function main(argv: readonly string[], io: CliIo = process, env: NodeJS.ProcessEnv = process.env, earlyWorker?: () => Worker | undefined): Promise<number> {
  const print = (text: string, status: number, stream: { write(text: string): unknown } = io.stdout) => {
    stream.write(text);
    return status;
  };
  let command: string | undefined;
  try {
    const options = parseCliOptions(argv);
    command = options.command;
    if (options.command === "help") return print(usage, 0);
    if (options.command === "version") return print(`gitgate ${toolVersion}\n`, 0);
    if (options.command === "approvals") {
      const { runApprovals } = await import("./approvals-command.js");
      const outcome = await runApprovals(options, env);
      for (const note of outcome.notes) io.stderr.write(`gitgate: ${note}\n`);
      return print(outcome.output, outcome.status);
    }
    if (options.command === "guard" || options.command === "evidence") {
      const outcome = options.command === "guard"
        ? await (await import("./guard-command.js")).runGuard(options, env)
        : await (await import("./evidence-command.js")).runEvidence(options, env);
      for (const note of outcome.notes) io.stderr.write(`gitgate: ${note}\n`);
      return print(outcome.output, outcome.status);
    }
    // Each command loads only its own code (start-up time is most of a one-file validate). check and
    // validate judge in a worker thread, bounded in time and memory: it starts first (bin.ts starts it
    // before this code loads), so its start-up (a thread, the engine's code) overlaps the command's own
    // loading and git's listing.
    // A long validate on a terminal says how far it is (stderr; never in a pipe or CI).
    const progress = createProgress(io.stderr, env);
    const { withEvaluationPool } = await import("../evaluation/evaluation-pool.js");
    const { report, controlPlaneBroken, notes = [] }: Evaluation & { notes?: string[] } = await withEvaluationPool(process.env, async (pool) => {
      pool.warm();
      return options.command === "check"
        ? (await import("./check-command.js")).runCheck(options, pool)
        : (await import("./validate-command.js")).runValidate(options, pool, progress);
    }, earlyWorker?.()).finally(() => progress.done());
    for (const note of notes) io.stderr.write(`gitgate: ${note}\n`);
    const { renderReport, renderSummary } = await import("./render-report.js");
    // NO_COLOR (any value but empty) turns colour off unless --color asks for it: https://no-color.org
    const color = options.color ?? (!env.NO_COLOR && io.stdout.isTTY === true);
    if (options.output) {
      // The file holds the report (never coloured); the log or terminal still says what was found.
      await writeFile(options.output, await renderReport(report, options.format, false));
      io.stdout.write((await renderSummary(report, color)) + `Report written to ${options.output} (${options.format}).\n`);
    } else {
      for (const piece of await renderReport(report, options.format, color)) io.stdout.write(piece);
    }
    if (report.conclusion === "failure") return controlPlaneBroken ? 2 : 1;
    return 0;
  } catch (error) {
    if (error instanceof UsageError) return print(`gitgate: ${error.message}\n\n${usage}`, 2, io.stderr);
    // By name: the approvals command (and its class) is loaded only when it runs.
    if ((error as Error).name === "CannotDecideError") return print(`gitgate: could not decide ${command === "guard" || command === "evidence" ? "provenance" : "approvals"}: ${(error as Error).message}\n`, 2, io.stderr);
    if (error instanceof GitError || (error as NodeJS.ErrnoException).code === "ENOENT") {
      return print(`gitgate: ${(error as Error).message}\n`, 2, io.stderr);
    }
    // Anything else is a bug or a broken environment: say so and fail closed, never exit as a verdict.
    const detail = process.env.GITGATE_DEBUG ? (error as Error).stack : (error as Error).message;
    // The detail can name a file of the repository (the one a bound stopped the judging at): input.
    return print(`gitgate: could not evaluate: ${printable(detail ?? "")}\n`, 2, io.stderr);
  }
}

