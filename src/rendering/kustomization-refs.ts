import { posix } from "node:path";
import type { FileContent } from "../engine/change-set.js";
import type { Span } from "../engine/finding.js";
import { gitopsFacts } from "../engine/gitops-files.js";
import { joinPointer } from "../engine/parse/locate.js";
import { parseFile } from "../engine/parse/parse-file.js";
import { defaultParseLimits } from "../engine/parse/parse-limits.js";
import type { ParsedDocument } from "../engine/parse/parsed-document.js";

/** What one kustomization reads: other kustomization folders, plain files, and remote sources. */
export interface KustomizationRefs {
  /** Folders named under `resources`/`bases`/`components` (repository paths): each holds a kustomization. */
  folders: string[];
  /** Files it reads (resources, patches, generator inputs, configurations…), repository paths. */
  files: string[];
  /** Entries that name another repository or a URL, where they are written. */
  remote: { ref: string; at: Span }[];
  /** Entries that leave the repository (`../` past its root), where they are written. */
  outside: { ref: string; at: Span }[];
  /**
   * The files its generators read whole (`files:`, as `path` or `key=path`), repository paths, as the
   * engine reads them (gitops-files.ts): a binary one (a keystore) is handed to the render helper as
   * bytes. Not `envs:`: an env file is lines of text, and kustomize quotes a line it cannot read.
   */
  generated: string[];
  /** The parsed kustomization, for tracing rendered fields back to its lines; undefined when it does not parse. */
  doc?: ParsedDocument;
}

/**
 * A kustomize reference to another repository: a URL, `github.com/org/repo//path`, `git@…`, or
 * anything with a `?ref=`. Kustomize would clone or download it.
 */
export function isRemoteRef(ref: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(ref) || /^git@/.test(ref) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(ref) || /[?&](ref|version|timeout|submodules)=/.test(ref);
}

/** Joins a reference written in folder `dir` into a repository path; undefined when it leaves the repository. */
export function resolveRef(dir: string, ref: string): string | undefined {
  const resolved = posix.normalize(dir === "" || dir === "." ? ref : `${dir}/${ref}`).replace(/\/+$/, "");
  if (resolved === ".." || resolved.startsWith("../") || posix.isAbsolute(resolved)) return undefined;
  return resolved === "." ? "" : resolved;
}

/**
 * Reads what a kustomization file at `path` refers to. Whether a `resources` entry is a folder or a
 * file is told by `isFolder` (the tree at that commit). Untrusted input: the hardened parser, and a
 * kustomization that does not parse refers to nothing (rendering it then fails with kustomize's error).
 */
export function kustomizationRefs(path: string, content: FileContent | undefined, isFolder: (path: string) => boolean): KustomizationRefs {
  const refs: KustomizationRefs = { folders: [], files: [], remote: [], outside: [], generated: [] };
  if (content?.kind !== "text") return refs;
  const doc = parseFile(path, content, defaultParseLimits).documents[0];
  const value = doc?.valid ? doc.value : undefined;
  if (!doc || value === null || typeof value !== "object" || Array.isArray(value)) return refs;
  refs.doc = doc;
  const k = value as Record<string, unknown>;
  const dir = posix.dirname(path) === "." ? "" : posix.dirname(path);
  const add = (ref: unknown, pointer: (string | number)[], kind: "resource" | "file") => {
    if (typeof ref !== "string" || ref.includes("\n") || ref.trim() === "") return;
    const at = doc.locate(joinPointer(pointer));
    if (isRemoteRef(ref)) {
      refs.remote.push({ ref, at });
      return;
    }
    const resolved = resolveRef(dir, ref);
    if (resolved === undefined) {
      refs.outside.push({ ref, at });
      return;
    }
    if (kind === "resource" && isFolder(resolved)) refs.folders.push(resolved);
    else refs.files.push(resolved);
  };
  const list = (key: string) => (Array.isArray(k[key]) ? (k[key] as unknown[]) : []);
  for (const key of ["resources", "bases", "components"]) list(key).forEach((entry, i) => add(entry, [key, i], "resource"));
  for (const key of ["crds", "configurations", "transformers", "generators", "validators", "patchesStrategicMerge"]) {
    list(key).forEach((entry, i) => add(entry, [key, i], key === "transformers" || key === "generators" || key === "validators" ? "resource" : "file"));
  }
  for (const key of ["patches", "patchesJson6902", "replacements"]) list(key).forEach((entry, i) => add((entry as { path?: unknown } | null)?.path, [key, i, "path"], "file"));
  for (const key of ["configMapGenerator", "secretGenerator"]) {
    list(key).forEach((entry, i) => {
      const generator = (entry ?? {}) as { files?: unknown; envs?: unknown; env?: unknown };
      // `files` entries may be `key=path`; only the path is a file.
      if (Array.isArray(generator.files)) generator.files.forEach((f, j) => add(typeof f === "string" ? f.slice(f.indexOf("=") + 1) : f, [key, i, "files", j], "file"));
      if (Array.isArray(generator.envs)) generator.envs.forEach((f, j) => add(f, [key, i, "envs", j], "file"));
      add(generator.env, [key, i, "env"], "file");
    });
  }
  const openapi = (k.openapi ?? {}) as { path?: unknown };
  add(openapi.path, ["openapi", "path"], "file");
  refs.generated = gitopsFacts([[path, content]]).generated.filter(([, source]) => source.form === "files").map(([file]) => file);
  for (const file of refs.generated) if (!refs.files.includes(file)) refs.files.push(file);
  return refs;
}
