import { configPath as defaultConfigPath } from "../config/config-types.js";
import { loadConfig } from "../config/load-config.js";
import { loadControlPlane, type ControlPlane } from "../config/load-control-plane.js";
import type { RepoReader } from "../config/repo-reader.js";
import { judgingNothing } from "../engine/judging-now.js";
import type { CompileRego } from "../engine/policy/policy-types.js";
import type { ControlPlaneSource } from "./evaluation-types.js";

/**
 * The control plane `source` describes, read through `reader`: what every thread of one evaluation
 * builds alike (the worker that runs it, and the file lanes that judge files for it).
 */
export async function buildControlPlane(source: ControlPlaneSource, reader: RepoReader, compileRego: CompileRego, beforeLoad?: (inherited: ReturnType<typeof loadConfig> | undefined) => Promise<void>): Promise<ControlPlane> {
  const inherited = source.inherited ? loadConfig(source.inherited.text, source.inherited.source) : undefined;
  await beforeLoad?.(inherited);
  const plane = await loadControlPlane(reader, {
    configPath: source.configPath ?? defaultConfigPath,
    compileRego,
    ...(source.configText !== undefined ? { configText: source.configText } : {}),
    ...(inherited ? { inherited } : {}),
  });
  // The plane's files are read and compiled: no file of it is being worked on any more.
  judgingNothing();
  return plane;
}

/**
 * The reader's answers kept for the length of one evaluation: every thread that builds the plane
 * again (file lanes) reads the very files the first one read, even if the working tree changes meanwhile.
 */
export function memoReader<R extends RepoReader>(reader: R): R {
  const reads = new Map<string, Promise<string | undefined>>();
  const lists = new Map<string, Promise<string[]>>();
  const once = <T>(cache: Map<string, Promise<T>>, path: string, get: () => Promise<T>) => {
    let answer = cache.get(path);
    if (!answer) cache.set(path, (answer = get()));
    return answer;
  };
  return { ...reader, read: (path: string) => once(reads, path, () => reader.read(path)), list: (path: string) => once(lists, path, () => reader.list(path)) };
}
