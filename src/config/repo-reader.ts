import type { FileContent } from "../engine/change-set.js";
/** Reads the files of one commit of a repository (or its working tree): the control plane's only I/O. */
export interface RepoReader {
  /**
   * The file's text, or undefined when it does not exist. Rejects with RefusedPathError for a path
   * that leaves the repository or is a symbolic link or submodule: those are never followed.
   */
  read(path: string): Promise<string | undefined>;
  /** Every file at or below `path` (a file or a folder), as repository paths; links are listed too. */
  list(path: string): Promise<string[]>;
}

/**
 * A control-plane path Gitgate will not read: one that leaves the repository, a symbolic link or a
 * submodule, or a file that is not text or too large to be one. Config, schemas, policies and exceptions steer every judgement, so they must be files of
 * the repository itself; the loader turns this into a config error.
 */
/** Control-plane files are small; anything larger is not a config, schema, policy or data anyone meant. */
export const controlPlaneMaxBytes = 4 * 1024 * 1024;

export class RefusedPathError extends Error {
  override name = "RefusedPathError";
  constructor(readonly path: string, readonly reason: "outside" | "symlink" | "submodule" | "binary" | "too-large") {
    super(refusalMessage(path, reason));
  }
}

/**
 * A control-plane file's text, or the refusal: a config, schema, policy or data file must be UTF-8
 * (what a person reviewed is then what is loaded), not decoded leniently as a manifest is.
 */
export function controlPlaneText(path: string, content: FileContent): string {
  if (content.kind === "symlink" || content.kind === "submodule") throw new RefusedPathError(path, content.kind);
  if (content.kind === "too-large") throw new RefusedPathError(path, "too-large");
  if (content.kind !== "text" || content.encoding !== undefined) throw new RefusedPathError(path, "binary");
  return content.text;
}

function refusalMessage(path: string, reason: RefusedPathError["reason"]): string {
  if (reason === "binary") return `${path} is binary or not UTF-8: a control-plane file must be UTF-8 text`;
  if (reason === "too-large") return `${path} is larger than the ${controlPlaneMaxBytes / (1024 * 1024)} MiB Gitgate reads of a control-plane file`;
  if (reason === "outside") return `"${path}" is outside the repository: control-plane paths must be relative to the repository root, inside it`;
  return reason === "symlink"
    ? `${path} is a symbolic link: Gitgate does not follow links in the control plane, commit the file itself`
    : `${path} is a submodule: Gitgate does not read other repositories for the control plane, commit the files here`;
}

/**
 * Why `path` cannot be a control-plane path of this repository, or undefined when it can: it must be
 * relative to the root and stay inside it, whatever the source (git, GitHub or a working tree).
 */
export function controlPathProblem(path: string): string | undefined {
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path) || path.includes("\\")) {
    return `"${path}" must be a path relative to the repository root, with "/" between folders`;
  }
  if (path.split("/").includes("..")) return `"${path}" must not leave the repository (no ".." segments)`;
  if (/[\0\n\r]/.test(path)) return `"${path}" holds a character no repository path has`;
  return undefined;
}

/** Wraps a reader so that no path outside the repository is ever asked of it. */
export function confinedReader(reader: RepoReader): RepoReader {
  const check = (path: string) => {
    if (controlPathProblem(path) !== undefined) throw new RefusedPathError(path, "outside");
  };
  return {
    read: async (path) => (check(path), reader.read(path)),
    list: async (path) => (check(path), reader.list(path)),
  };
}

/** A reader over an in-memory map of path → text (tests, the bench). */
export function memoryReader(files: Readonly<Record<string, string>>): RepoReader {
  return {
    read: async (path) => files[path],
    list: async (path) => {
      const dir = path.replace(/\/*$/, "/");
      return Object.keys(files).filter((file) => file === path || file.startsWith(dir)).sort();
    },
  };
}
