import { posix } from "node:path";
import { configPath } from "../config/config-types.js";
import { extendsTarget } from "../config/extend-config.js";
import { loadConfig, type LoadedConfig } from "../config/load-config.js";
import { loadControlPlane, type ControlPlane } from "../config/load-control-plane.js";
import type { CompileRego } from "../engine/policy/policy-types.js";
import { githubRepoReader } from "./github-repo-reader.js";
import type { GitHub, RepoRef } from "./github-types.js";
import { keyOf, readFilesAt } from "./read-files-at.js";

const defaultExceptions = ".github/gitgate-exceptions.yml";

/**
 * Reads the control plane of `repo` at the base commit `oid`, with the organisation's defaults from its
 * `.github` repository. Returns undefined when neither exists: such a repository is not governed and
 * gets no check at all. Costs two or three queries, whatever the number of files involved.
 */
export async function loadGitHubControlPlane(github: GitHub, repo: RepoRef, oid: string, compileRego: CompileRego): Promise<ControlPlane | undefined> {
  const reader = githubRepoReader(github, repo, oid);
  await reader.prefetch([configPath, defaultExceptions], []);
  const text = await reader.read(configPath);
  const extendsValue = text === undefined ? ".github" : /^_extends:\s*["']?([^\s"'#]+)/m.exec(text)?.[1];
  const inherited = extendsValue === undefined ? undefined : await readInherited(github, extendsTarget(repo.owner, extendsValue));
  if (text === undefined && inherited === undefined) return undefined;

  // Everything the config points at, in one more round: schema files with their folders (for $refs
  // between them), policy folders, and a custom exceptions file.
  const config = text !== undefined ? loadConfig(text).config : inherited?.config;
  if (config) {
    const schemaFiles = config.schemas.map((s) => s.schema).filter((s) => s !== "kubernetes");
    await reader.prefetch([...schemaFiles, config.exceptions], [...new Set(schemaFiles.map((s) => posix.dirname(s)).filter((d) => d !== ".")), ...config.policies.paths]);
  }
  return loadControlPlane(reader, { compileRego, ...(inherited ? { inherited } : {}) });
}

async function readInherited(github: GitHub, target: RepoRef): Promise<LoadedConfig | undefined> {
  const read = await readFilesAt(github, target, [{ oid: "HEAD", path: configPath }], 1024 * 1024);
  const content = read.files.get(keyOf("HEAD", configPath));
  if (content?.kind !== "text") return undefined;
  return loadConfig(content.text, `${target.owner}/${target.repo}:${configPath}`);
}
