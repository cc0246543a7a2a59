import { readFile } from "node:fs/promises";
import { loadControlPlane, type ControlPlane } from "../config/load-control-plane.js";
import { evaluateChangeSet } from "../engine/evaluate-change-set.js";
import type { Report } from "../engine/report.js";
import { commitReader, defaultBaseRef, localChangeSet, resolveCommit } from "../git/local-repository.js";
import { runGit } from "../git/run-git.js";
import { createRegoCompiler } from "../opa/compile-rego.js";
import { today } from "./today.js";
import type { CliOptions } from "./cli-options.js";

export interface Evaluation {
  report: Report;
  plane: ControlPlane;
}

/** `gitgate check`: base...head of a local repository, judged by the control plane at base. */
export async function runCheck(options: CliOptions): Promise<Evaluation> {
  const baseRef = options.base ?? (await defaultBaseRef(options.repo));
  const base = await resolveCommit(options.repo, baseRef);
  const head = await resolveCommit(options.repo, options.head);
  const plane = await loadControlPlane(commitReader(options.repo, base), {
    compileRego: createRegoCompiler(),
    ...(options.config !== undefined ? { configText: await readFile(options.config, "utf8") } : {}),
  });
  const maxBytes = plane.config?.limits.maxFileBytes ?? 1024 * 1024;
  const changes = await localChangeSet(options.repo, base, head, maxBytes);
  const author = (await runGit(options.repo, ["log", "-1", "--format=%an", head])).toString().trim();
  const pullRequest = { author, base: baseRef, head: options.head };
  return { report: await evaluateChangeSet(plane, changes, { today: today(), pullRequest }), plane };
}
