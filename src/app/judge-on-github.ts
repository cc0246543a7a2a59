import type { EvaluateOptions } from "../engine/evaluate-change-set.js";
import type { GitHubOutput } from "../github/check-run-output.js";
import type { EvaluationResult } from "../evaluation/evaluation-types.js";
import type { GitHubControlPlane } from "../github/load-github-control-plane.js";
import type { ChangeSet } from "../engine/change-set.js";
import { assembleChangeSet, changeSetRequests, listChanges, readChangeSet } from "../github/read-change-set.js";
import { readFilesAt } from "../github/read-files-at.js";
import { listCommitTree } from "../github/list-commit-tree.js";
import { batchedTreeReads } from "../github/batched-tree-reads.js";
import { binaryBlobReads } from "../github/read-binary-blobs.js";
import { defaultMaxFileBytes } from "../engine/parse/parse-limits.js";
import type { EvaluationDeps } from "./evaluation-deps.js";

export interface JudgeTarget {
  baseSha: string;
  headSha: string;
  /** The PR, when there is one: its paged file list serves changes past the compare API's 300 files. */
  pullNumber?: number;
  options: EvaluateOptions;
  /** How many bases share the check run this verdict goes into. */
  parts?: number;
  /** The listing of base...head, when it was asked for already. */
  listing?: ReturnType<typeof listChanges>;
  /** Told how many files the change has, once that is known (before they are read). */
  onListed?(files: number): void;
}

/**
 * Judges base...head in an evaluation worker: the worker builds the control plane from the files this
 * (main) thread reads from GitHub, asks for the change with the limits the config sets, and returns
 * the report, and what to publish on GitHub already rendered, as plain data. The main thread only waits on GitHub, so it stays free for everyone else.
 */
export async function judgeOnGitHub(deps: EvaluationDeps, plane: GitHubControlPlane, target: JudgeTarget): Promise<EvaluationResult & { github: GitHubOutput }> {
  const { github, repo, pool } = deps;
  // Which files changed does not depend on the rules: asked at once, while the worker reads the config.
  const listing = target.listing ?? listChanges(github, repo, target.baseSha, target.headSha, target.pullNumber);
  listing.then((listed) => target.onListed?.(listed.files.length), () => undefined);
  // Once the worker knows the config, the control-plane files it still needs and both versions of the
  // changed files are read in one round of queries.
  let together: { maxFileBytes: number; change: Promise<ChangeSet> } | undefined;
  // The size limit the config sets, once the worker has read it (rendering reads files with it too).
  let maxBytes = defaultMaxFileBytes;
  // Each commit's tree is listed once: its paths for rendering, its blobs' SHAs for binary files.
  const trees = new Map<string, Promise<Map<string, string>>>();
  const treeOf = (commit: string) => {
    let tree = trees.get(commit);
    if (!tree) trees.set(commit, (tree = listCommitTree(github, repo, commit)));
    return tree;
  };
  const result = await pool.evaluate(plane.source, {
    read: (path) => plane.reader.read(path),
    list: (path) => plane.reader.list(path),
    prefetch: async (paths, folders, change) => {
      const wanted = plane.reader.missing(paths, folders);
      if (!change || together || wanted.length === 0) return plane.reader.prefetch(paths, folders);
      maxBytes = change.maxFileBytes;
      const listed = await listing;
      const reads = changeSetRequests(listed.mergeBase, target.headSha, listed.files, change.maxFileBytes);
      // The control-plane files ride beside the change's reads (as GitHub's per-query allowance for small lookups).
      const read = readFilesAt(github, repo, [...reads, ...wanted.map((w) => ({ ...w, probe: true }))], change.maxFileBytes);
      together = { maxFileBytes: change.maxFileBytes, change: read.then((r) => assembleChangeSet(r, listed.mergeBase, target.headSha, listed.files)) };
      together.change.catch(() => undefined);
      plane.reader.absorb(await read, wanted);
    },
    changes: async (route) => {
      maxBytes = route.maxFileBytes;
      if (together?.maxFileBytes === route.maxFileBytes) return together.change;
      const listed = await listing;
      return readChangeSet(github, repo, listed.mergeBase, target.headSha, listed.files, route.maxFileBytes);
    },
    // Rendering Kustomize and Helm (src/rendering): the commit's tree in one request, files in batched
    // queries, and the few binary files a target needs one REST request each.
    treePaths: async (commit) => [...(await treeOf(commit)).keys()],
    treeRead: batchedTreeReads(github, repo, () => maxBytes),
    treeReadBinary: binaryBlobReads(github, repo, async (commit, path) => (await treeOf(commit)).get(path), () => maxBytes),
  }, target.options, { render: { github: { parts: target.parts ?? 1 } } });
  if (!result.github) throw new Error("the evaluation worker did not render the outputs");
  return { ...result, github: result.github };
}
