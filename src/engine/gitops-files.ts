import { posix } from "node:path";
import type { FileContent } from "./change-set.js";
import { parseFile } from "./parse/parse-file.js";
import { defaultParseLimits } from "./parse/parse-limits.js";

/**
 * GitOps files that are not plain manifests, told apart by the files beside them:
 * - a Helm template: a file below a `templates/` folder that sits beside a `Chart.yaml`. Helm renders
 *   it (`{{ }}` is not YAML), so it is not parsed as YAML; the chart's `Chart.yaml` and `values*.yaml`
 *   are ordinary governed files;
 * - a Kustomize patch: a file a `kustomization.yaml` names under `patches:` (`path:`),
 *   `patchesStrategicMerge:` or `patchesJson6902:`. A strategic-merge patch is a partial object.
 * - a generator's data: a file a kustomization's `secretGenerator` or `configMapGenerator` reads
 *   (`files:`, `envs:`, `env:`). Kustomize puts its content in a Secret or ConfigMap; it is no manifest.
 *
 * The deciding files are the change's own (head versions) plus the ones a source looked up at the head
 * with `contextPathsFor` (the CLI asks git, the App reads them in the same GraphQL queries as the change).
 */
export interface GitopsContext {
  isHelmTemplate(path: string): boolean;
  patchOf(path: string): KustomizePatch | undefined;
  generatorOf(path: string): GeneratorSource | undefined;
}

export interface KustomizePatch {
  /** The kustomization that names the file. */
  kustomization: string;
  /** Every kustomization that names it (gitopsFacts), the first first. */
  namedBy?: string[];
  /** `either`: a `patches:` entry, which kustomize reads as JSON 6902 when it is a list of operations. */
  kind: "strategic-merge" | "json6902" | "either";
  /**
   * Its entry's `target` may select a Secret: its kind is `Secret`, a pattern (kustomize reads it as a
   * regular expression), or not given (any kind). Such a patch's values may be a Secret's: the file is
   * masked as a redacted one. A patch without a target says its kind itself (a Secret is a Secret).
   */
  mayPatchSecrets?: true;
}

export interface GeneratorSource {
  /** The kustomization that names the file. */
  kustomization: string;
  generator: "secretGenerator" | "configMapGenerator";
  /** `envs`: `KEY=value` lines, one entry each; `files`: the whole content is one entry. */
  form: "envs" | "files";
}

export const kustomizationNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/** The chart roots a path may be a template of: every folder that holds a `templates/` folder on its path. */
function chartRootsOf(path: string): string[] {
  const segments = path.split("/");
  const roots: string[] = [];
  for (let i = 0; i < segments.length - 1; i++) if (segments[i] === "templates") roots.push(segments.slice(0, i).join("/"));
  return roots;
}

const join = (dir: string, name: string) => (dir === "" || dir === "." ? name : `${dir}/${name}`);

/**
 * The head files that decide how `paths` are read: `Chart.yaml` beside each `templates/` folder on a
 * path, and a kustomization in a file's folder and the folder above it (where overlays keep their
 * patches and generators their data: beside the kustomization, or in a folder below it). A `Chart.yaml`
 * in every folder a file is in: a file a chart reads with `.Files.Get` (`files/…`, at any depth)
 * changes what it renders.
 */
export function contextPathsFor(paths: readonly string[]): string[] {
  const wanted = new Set<string>();
  for (const path of paths) {
    for (const root of chartRootsOf(path)) wanted.add(join(root, "Chart.yaml"));
    const dir = posix.dirname(path);
    for (const folder of dir === "." ? [""] : [dir, posix.dirname(dir)]) {
      for (const name of kustomizationNames) wanted.add(join(folder === "." ? "" : folder, name));
    }
    for (let folder = dir; folder !== "."; folder = posix.dirname(folder)) wanted.add(join(folder, "Chart.yaml"));
  }
  for (const path of paths) wanted.delete(path);
  return [...wanted].sort();
}

/** A file whose content can decide how others are read: a chart's Chart.yaml, a kustomization. */
export function isContextFile(path: string): boolean {
  const name = posix.basename(path);
  return name === "Chart.yaml" || kustomizationNames.includes(name);
}

/**
 * What the head files known (the change's and the looked-up ones) say about the others, as plain data:
 * read once by the thread that has the files, and handed to the file lanes as it is.
 */
export interface GitopsFacts {
  /** The folders that hold a `Chart.yaml` ("" for the root). */
  charts: string[];
  /** Each patch file a kustomization names, with the first kustomization naming it. */
  patches: [string, KustomizePatch][];
  /** Each file a kustomization's generator reads, with the first generator naming it (a secret one first). */
  generated: [string, GeneratorSource][];
}

export function gitopsFacts(files: Iterable<[string, FileContent | undefined]>): GitopsFacts {
  const charts = new Set<string>();
  const patches = new Map<string, KustomizePatch>();
  const generated = new Map<string, GeneratorSource>();
  for (const [path, content] of files) {
    if (content?.kind !== "text") continue;
    const name = posix.basename(path);
    if (name === "Chart.yaml") charts.add(posix.dirname(path) === "." ? "" : posix.dirname(path));
    if (!kustomizationNames.includes(name)) continue;
    const named = filesNamedBy(path, content);
    for (const [patch, ref] of named.patches) {
      const known = patches.get(patch);
      // Named more than once (by two kustomizations, or twice by one): the first names it, and it may
      // patch a Secret if any naming says so.
      if (!known) patches.set(patch, { ...ref, namedBy: [path] });
      else patches.set(patch, { ...known, namedBy: [...known.namedBy!, path], ...(ref.mayPatchSecrets ? { mayPatchSecrets: true as const } : {}) });
    }
    for (const [file, source] of named.generated) {
      // A file both generators read holds a Secret's data: it is treated as one.
      const known = generated.get(file);
      if (!known || (known.generator === "configMapGenerator" && source.generator === "secretGenerator")) generated.set(file, source);
    }
  }
  return { charts: [...charts], patches: [...patches], generated: [...generated] };
}

export function gitopsContext(facts: GitopsFacts): GitopsContext {
  const charts = new Set(facts.charts);
  const patches = new Map(facts.patches);
  const generated = new Map(facts.generated);
  return {
    isHelmTemplate: (path) => chartRootsOf(path).some((root) => charts.has(root)),
    patchOf: (path) => patches.get(path),
    generatorOf: (path) => generated.get(path),
  };
}

/**
 * The patch files and generator data files a kustomization names, as repository paths; entries leaving
 * the repository are dropped.
 */
function filesNamedBy(path: string, content: FileContent): Pick<GitopsFacts, "patches" | "generated"> {
  const named: Pick<GitopsFacts, "patches" | "generated"> = { patches: [], generated: [] };
  // The kustomization is untrusted too: the hardened parser, and only what parsed cleanly.
  const doc = parseFile(path, content, defaultParseLimits).documents[0];
  const value = doc?.valid ? (doc.value as Record<string, unknown> | null) : undefined;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return named;
  const dir = posix.dirname(path);
  const resolve = (file: unknown): string | undefined => {
    // An inline patch (a string holding YAML) has no file of its own.
    if (typeof file !== "string" || file === "" || file.includes("\n")) return undefined;
    // An absolute path is read from the repository's root, as the render helper (and Flux) read it.
    const resolved = file.startsWith("/") ? posix.normalize(file.replace(/^\/+/, "")) : posix.normalize(join(dir === "." ? "" : dir, file));
    return resolved.startsWith("../") || resolved === ".." || resolved === "." || posix.isAbsolute(resolved) ? undefined : resolved;
  };
  const list = (from: Record<string, unknown>, key: string) => {
    const found = field(from, key);
    return Array.isArray(found) ? (found as unknown[]) : [];
  };
  const patch = (file: unknown, kind: KustomizePatch["kind"], target?: unknown) => {
    const resolved = resolve(file);
    if (resolved !== undefined) named.patches.push([resolved, { kustomization: path, kind, ...(target !== undefined && mayTargetSecrets(target) ? { mayPatchSecrets: true as const } : {}) }]);
  };
  for (const entry of list(value, "patchesStrategicMerge")) patch(entry, "strategic-merge");
  const entryField = (entry: unknown, name: string) => (entry !== null && typeof entry === "object" && !Array.isArray(entry) ? field(entry as Record<string, unknown>, name) : undefined);
  for (const entry of list(value, "patches")) patch(entryField(entry, "path"), "either", entryField(entry, "target"));
  for (const entry of list(value, "patchesJson6902")) patch(entryField(entry, "path"), "json6902", entryField(entry, "target") ?? {});
  for (const generator of ["secretGenerator", "configMapGenerator"] as const) {
    for (const entry of list(value, generator)) {
      if (entry === null || typeof entry !== "object" || Array.isArray(entry)) continue;
      const spec = entry as Record<string, unknown>;
      const read = (file: unknown, form: GeneratorSource["form"]) => {
        const resolved = resolve(file);
        if (resolved !== undefined) named.generated.push([resolved, { kustomization: path, generator, form }]);
      };
      // `files:` entries are `path` or `key=path`; `env:` is the older single form of `envs:`.
      for (const file of list(spec, "files")) read(typeof file === "string" ? file.slice(file.indexOf("=") + 1) : file, "files");
      for (const file of list(spec, "envs")) read(file, "envs");
      read(field(spec, "env"), "envs");
    }
  }
  return named;
}

/** Whether a patch entry's `target` may select a Secret (see KustomizePatch.mayPatchSecrets). */
export function mayTargetSecrets(target: unknown): boolean {
  const kind = target !== null && typeof target === "object" && !Array.isArray(target) ? field(target as Record<string, unknown>, "kind") : undefined;
  return typeof kind !== "string" || kind === "Secret" || !/^[A-Za-z0-9]+$/.test(kind);
}

/** The patch files whose values may be a Secret's (see KustomizePatch.mayPatchSecrets). */
export function patchesSecrets(facts: Pick<GitopsFacts, "patches">): (path: string) => boolean {
  const files = new Set(facts.patches.filter(([, patch]) => patch.mayPatchSecrets).map(([file]) => file));
  return (path) => files.has(path);
}

/**
 * The patches a kustomization writes inline (`patches[].patch`, `patchesJson6902[].patch`: a string of
 * YAML) whose entry's target may select a Secret (see mayTargetSecrets): their values may be a Secret's.
 */
export function inlineSecretPatches(doc: unknown): { key: string; index: number; patch: string }[] {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return [];
  const found: { key: string; index: number; patch: string }[] = [];
  for (const key of Object.keys(doc)) {
    const entries = isPatchList(key) ? (doc as Record<string, unknown>)[key] : undefined;
    if (!Array.isArray(entries)) continue;
    entries.forEach((entry: unknown, index) => {
      const patch = secretPatchOf(key, entry);
      if (patch !== undefined) found.push({ key, index, patch });
    });
  }
  return found;
}

/**
 * True when `segments` go into an inline patch that may be a Secret's (see inlineSecretPatches). Only
 * the entry named is looked at: the preview asks this of each changed field, and reading every patch of
 * the kustomization each time made a change to many of them quadratic.
 */
export function isInlineSecretPatch(doc: unknown, segments: readonly string[]): boolean {
  if (segments.length < 3 || segments[2]!.toLowerCase() !== "patch" || !isPatchList(segments[0]!)) return false;
  if (doc === null || typeof doc !== "object" || Array.isArray(doc) || !Object.hasOwn(doc, segments[0]!)) return false;
  const entries = (doc as Record<string, unknown>)[segments[0]!];
  return Array.isArray(entries) && /^\d+$/.test(segments[1]!) && secretPatchOf(segments[0]!, entries[Number(segments[1])]) !== undefined;
}

/** The inline patch of one entry of `patches:` or `patchesJson6902:` (`key`), when it may be a Secret's. */
function secretPatchOf(key: string, entry: unknown): string | undefined {
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return undefined;
  const patch = field(entry as Record<string, unknown>, "patch");
  if (typeof patch !== "string") return undefined;
  const target = field(entry as Record<string, unknown>, "target");
  // Without a target, a `patches:` entry is a strategic-merge patch naming its own kind; a
  // patchesJson6902 entry always has one (none: any kind).
  const secret = target === undefined && key.toLowerCase() === "patches" ? namesSecret(patch) : mayTargetSecrets(target ?? {});
  return secret ? patch : undefined;
}

/** Whether a patch written inline says it is a Secret's, or does not read cleanly enough to tell (fail safe). */
function namesSecret(patch: string): boolean {
  const parsed = parseFile("patch", { kind: "text", text: patch, size: Buffer.byteLength(patch) }, defaultParseLimits);
  if (parsed.findings.some((f) => f.severity === "error") || parsed.documents.some((d) => !d.valid)) return true;
  return parsed.documents.some((d) => d.value !== null && typeof d.value === "object" && (d.value as { kind?: unknown }).kind === "Secret");
}

/** `patches:` or `patchesJson6902:`, in any case (see field). */
const isPatchList = (key: string) => key.toLowerCase() === "patches" || key.toLowerCase() === "patchesjson6902";

/**
 * A kustomization's field as kustomize reads it: decoded as JSON into Go structs, whose field names
 * match whatever their case (`SecretGenerator:` is a secretGenerator), an exact match first.
 */
function field(from: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(from, name)) return from[name];
  const lower = name.toLowerCase();
  const key = Object.keys(from).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : from[key];
}

/** A JSON 6902 patch: a list of operations (`op`, `path`, `value`), not a Kubernetes object. */
export function isJson6902(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0 && value.every((op) => op !== null && typeof op === "object" && "op" in op && "path" in op);
}
