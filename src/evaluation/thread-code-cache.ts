import { isAscii } from "node:buffer";
import { createHash } from "node:crypto";
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire, getCompileCacheDir } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { threadId } from "node:worker_threads";

// A one-file `gitgate validate` is mostly start-up, and most of a worker thread's start-up was V8
// compiling our functions the first time each ran. Node's compile cache keeps only what V8 compiles
// before a module runs (its top level), so the YAML parser, the globs, the validators were compiled
// again at every start. The CLI bundle's threads (scripts/bundle-cli.ts) are therefore scripts run
// here, and once a thread has done its first piece of work, V8's code for everything it ran so far is
// written beside Node's own cache, and handed back to V8 at the next start.

/**
 * The function a thread's bundle is wrapped in: the CommonJS module arguments, and the module's URL
 * standing in for `import.meta.url`, and a resolver for `import.meta.resolve` (scripts/bundle-cli.ts
 * defines both names).
 */
function wrapBundle(source: string): string {
  return `(function (exports, require, module, __filename, __dirname, import_meta_url, import_meta_resolve) {${source}\n})`;
}

// Published globally: the policy worker calls it by this name (it cannot import this module).
const keepHook = Symbol.for("gitgate.keepCompiledCode");
type Global = typeof globalThis & { [keepHook]?: () => void };

/** Runs a thread's bundle with the code its last first run left, if any (see cachedScript). */
export function runCachedBundle(file: URL): void {
  const path = fileURLToPath(file);
  const { script, save } = cachedScript(path, wrapBundle, "code");
  if (save) {
    (globalThis as Global)[keepHook] = () => {
      delete (globalThis as Global)[keepHook];
      save();
    };
  }
  const module = { exports: {} };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run(module.exports, createRequire(file), module, path, dirname(path), file.href, (specifier: string) => import.meta.resolve(specifier));
}

/**
 * A thread's bundle or module compiled with the code a first run left for its source, and, when there
 * was none it could use, the way to leave it (once the code has run). V8 checks a cache only against
 * its source's length, so each cache file starts with the digest of the source it was made from, and
 * one made from another build is not used.
 */
function cachedScript(path: string, wrap: (source: string) => string, extension: string): { script: vm.Script; save?: () => void } {
  const bytes = readFileSync(path);
  // The build leaves the bundles ASCII: read as Latin-1, V8 gets a one-byte string, and quicker.
  const source = wrap(bytes.toString(isAscii(bytes) ? "latin1" : "utf8"));
  const digest = createHash("sha256").update(wrap("")).update(bytes).digest();
  // Undefined when Node's compile cache is off (NODE_DISABLE_COMPILE_CACHE) or could not be set up.
  const root = getCompileCacheDir();
  // One file per path, as Node keys its own: another install's files have caches of their own.
  const cacheFile = root === undefined ? undefined : join(root, "gitgate", `${createHash("sha256").update(path).digest("hex").slice(0, 16)}.${extension}`);
  const cachedData = cacheFile === undefined ? undefined : cacheMadeFrom(cacheFile, digest);
  const script = new vm.Script(source, { filename: path, ...(cachedData ? { cachedData } : {}) });
  if (cacheFile === undefined || (cachedData && !script.cachedDataRejected)) return { script };
  return { script, save: () => saveQuietly(cacheFile, Buffer.concat([digest, script.createCachedData()])) };
}

const wrapModule = (source: string) => `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
/** The modules requireWithCodeCache loaded, by path: each runs once per thread, as with `require`. */
const modules = new Map<string, { exports: unknown }>();
/** Modules loaded without a cache this thread could use: their code is kept at the next keepCompiledCode. */
const unsaved: (() => void)[] = [];

/**
 * `require` for a CommonJS module of the bundle's (the built-in Kubernetes kinds, and the chunks they
 * share), with the code a first run compiled for it, as runCachedBundle does for a thread's bundle.
 * Node's compile cache keeps a module's top level only, so every run compiled a kind's validators again
 * on their first call: a Deployment and a Service took 21 ms to load and first validate, 11 ms with
 * their code kept (medians of alternating runs). The `.js` files it requires by a relative path load
 * the same way; the rest (Node's own) with `require`.
 */
export function requireWithCodeCache(path: string): unknown {
  const known = modules.get(path);
  if (known) return known.exports;
  const { script, save } = cachedScript(path, wrapModule, "module.code");
  if (save) unsaved.push(save);
  const module = { exports: {} };
  // Before it runs, as Node's loader does, so that two chunks that require each other finish; taken
  // out again if it throws, so that a later require runs it again and meets the error itself.
  modules.set(path, module);
  const requireOther = createRequire(path);
  const requireHere = (specifier: string) => (/^\.\.?\/.*\.js$/.test(specifier) ? requireWithCodeCache(join(dirname(path), specifier)) : requireOther(specifier));
  try {
    (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, requireHere, module, path, dirname(path));
  } catch (error) {
    modules.delete(path);
    throw error;
  }
  return module.exports;
}

/**
 * Called by a thread once it has done its first piece of work (a job, a file, a batch): the functions
 * that work ran are compiled now, and are what the next start needs. Only the first call of a thread
 * whose bundle ran without a usable cache writes the bundle's, and a module requireWithCodeCache loaded
 * without one is written at the first call after; elsewhere (the App, tests) it does nothing.
 */
export function keepCompiledCode(): void {
  (globalThis as Global)[keepHook]?.();
  for (const save of unsaved.splice(0)) save();
}

/**
 * The V8 data of a cache file made from the source with this digest; undefined for any other, and for
 * one another user could have written (code run as ours: NODE_COMPILE_CACHE may name a shared folder).
 */
function cacheMadeFrom(file: string, digest: Buffer): Buffer | undefined {
  let content: Buffer;
  try {
    const fd = openSync(file, "r");
    try {
      const stats = fstatSync(fd);
      if (process.getuid && (stats.uid !== process.getuid() || (stats.mode & 0o022) !== 0)) return undefined;
      content = readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  return content.subarray(0, digest.length).equals(digest) ? content.subarray(digest.length) : undefined;
}

/**
 * Written whole or not at all: threads and processes may race for it. A cache that cannot be written
 * costs the next start its speed, nothing else.
 */
function saveQuietly(file: string, content: Buffer): void {
  const partial = `${file}.${process.pid}-${threadId}.partial`;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(partial, content, { mode: 0o600 });
    renameSync(partial, file);
  } catch {
    // A read-only or full disk: the next start compiles again, and no partial file is left behind.
    try {
      rmSync(partial, { force: true });
    } catch {
      // nothing more to do: the file is named after this process, nobody reads it
    }
  }
}
