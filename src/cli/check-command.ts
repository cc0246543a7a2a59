import { readFile } from "node:fs/promises";
import type { EvaluationPool } from "../evaluation/evaluation-pool.js";
import type { EvaluationResult } from "../evaluation/evaluation-types.js";
import { repositoryRoot } from "../git/repository-root.js";
import { commitFiles, commitReader, defaultBaseRef, localChangeSet, resolveCommit } from "../git/local-repository.js";
import { runGit } from "../git/run-git.js";
import { commitSnapshot } from "../git/commit-snapshot.js";
import { defaultMaxFileBytes } from "../engine/parse/parse-limits.js";
import { today } from "./today.js";
import type { CliOptions } from "./cli-options.js";

/** A verdict, as plain data from the evaluation worker. */
export type Evaluation = Pick<EvaluationResult, "report" | "controlPlaneBroken">;

/**
 * `gitgate check`: base...head of a local repository, judged by the control plane at base. The
 * evaluation runs in a worker bounded in time and memory (GITGATE_EVALUATION_TIMEOUT_SECONDS,
 * GITGATE_EVALUATION_MEMORY_MIB); past a bound it fails closed (exit 2, "could not evaluate").
 */
export async function runCheck(cliOptions: CliOptions, pool: EvaluationPool): Promise<Evaluation> {
  const options = { ...cliOptions, repo: await repositoryRoot(cliOptions.repo) };
  const baseRef = options.base ?? (await defaultBaseRef(options.repo));
  const base = await resolveCommit(options.repo, baseRef);
  const head = await resolveCommit(options.repo, options.head);
  const configText = options.config !== undefined ? await readFile(options.config, "utf8") : undefined;
  const author = (await runGit(options.repo, ["log", "-1", "--format=%an", head])).toString().trim();
  const reader = commitReader(options.repo, base);
  // The head's files count too: a PR that adds the first files a glob was written for is not a typo.
  const paths = new Set([...(await commitFiles(options.repo, base)), ...(await commitFiles(options.repo, head))]);
  const repositoryFiles = { paths: [...paths], where: `at the base commit (${baseRef}) nor at the head (${options.head})` };
  let maxBytes = defaultMaxFileBytes;
  const snapshots = new Map<string, ReturnType<typeof commitSnapshot>>();
  const snapshotOf = (commit: string) => {
    const known = snapshots.get(commit) ?? commitSnapshot(options.repo, commit, maxBytes);
    snapshots.set(commit, known);
    return known;
  };
  return pool.evaluate(
    { ...(configText !== undefined ? { configText } : {}), repositoryFiles },
    {
      read: reader.read,
      list: reader.list,
      changes: async (route) => {
        maxBytes = route.maxFileBytes;
        return localChangeSet(options.repo, base, head, route.maxFileBytes);
      },
      // What rendering Kustomize and Helm reads: every file of the base and head commits.
      treePaths: (commit) => snapshotOf(commit).paths(),
      treeRead: (commit, paths) => snapshotOf(commit).read(paths),
      treeReadBinary: (commit, paths) => snapshotOf(commit).readBinary(paths),
    },
    { today: today(), pullRequest: { author, base: baseRef, head: options.head } },
  );
}
