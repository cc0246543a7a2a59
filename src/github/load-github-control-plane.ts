import { configPath } from "../config/config-types.js";
import { codeOwnersPaths } from "../engine/approvals/codeowners-paths.js";
import { extendsTarget } from "../config/extend-config.js";
import type { FileContent } from "../engine/change-set.js";
import type { ControlPlaneSource } from "../evaluation/evaluation-types.js";
import { githubRepoReader, type PrefetchingReader } from "./github-repo-reader.js";
import type { GitHub, RepoRef } from "./github-types.js";
import { keyOf, readFilesAt } from "./read-files-at.js";

const defaultExceptions = ".github/gitgate-exceptions.yml";

/** What is read first at a base commit: small enough to ride along in the pull request's own query. */
export const controlPlaneEntryPaths: readonly string[] = [configPath, defaultExceptions, ...codeOwnersPaths];

export interface GitHubControlPlane {
  /** Plain data for the evaluation worker, which builds the plane. */
  source: ControlPlaneSource;
  /** Serves the worker's reads of the base commit (the worker's prefetch asks for the rest in one round). */
  reader: PrefetchingReader;
}

/**
 * Finds the control plane of `repo` at the base commit `oid`, with the organisation's defaults from its
 * `.github` repository. Returns undefined when neither exists: such a repository is not governed and
 * gets no check at all. Nothing is parsed here (that is the worker's job, off the main thread): the
 * only look inside the config is for `_extends`, one line, matched by a regex.
 */
export async function readGitHubControlPlane(github: GitHub, repo: RepoRef, oid: string, known?: ReadonlyMap<string, FileContent | undefined>): Promise<GitHubControlPlane | undefined> {
  const reader = githubRepoReader(github, repo, oid, known);
  // CODEOWNERS rides along in the same query: the approval check may need it, and then it costs nothing.
  await reader.prefetch(controlPlaneEntryPaths, []);
  const text = await reader.read(configPath);
  const extendsValue = text === undefined ? ".github" : /^_extends:\s*["']?([^\s"'#]+)/m.exec(text)?.[1];
  const target = extendsValue === undefined ? undefined : extendsTarget(repo.owner, extendsValue);
  const inherited = target === undefined ? undefined : await readInherited(github, target);
  if (text === undefined && inherited === undefined) return undefined;
  return { reader, source: inherited ? { inherited } : {} };
}

async function readInherited(github: GitHub, target: RepoRef): Promise<{ text: string; source: string } | undefined> {
  const read = await readFilesAt(github, target, [{ oid: "HEAD", path: configPath }], 1024 * 1024);
  const content = read.files.get(keyOf("HEAD", configPath));
  if (content?.kind !== "text") return undefined;
  return { text: content.text, source: `${target.owner}/${target.repo}:${configPath}` };
}
