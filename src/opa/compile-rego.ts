import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import type { CompileRego, RegoCompileResult } from "../engine/policy/policy-types.js";
import { wasmCapabilities } from "./capabilities.js";
import { findOpa, missingOpaMessage, type OpaBinary } from "./opa-binary.js";
import { precompiledModule } from "./precompiled-packs.js";

const run = promisify(execFile);
// Beside the pinned OPA in the user's cache: an installed package's own folder may not be writable.
const defaultCacheDir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "gitgate", "policies");

/** How long `opa build` may run before it is stopped: a normal policy set compiles in about a second. */
export const defaultCompileTimeoutMs = 60_000;

export interface RegoCompilerOptions {
  cacheDir?: string;
  /** Default: GITGATE_POLICY_COMPILE_TIMEOUT_MS, else 60 s. */
  timeoutMs?: number;
}

/**
 * Compiles Rego to WebAssembly with the real OPA compiler (`opa build -t wasm`), restricted to the
 * built-ins the SDK supports; the built-in packs come precompiled with Gitgate (precompiled-packs.ts),
 * so only a repository's own Rego needs the compiler on the machine. Results are cached by content digest in memory and on disk, so a policy
 * set is compiled once per content, not once per evaluation. A repository's policy is untrusted input:
 * the compiler is stopped after a time bound (ten thousand rules take minutes), and that is a result
 * like any other compile failure, kept in memory so the same content does not cost the bound again.
 */
export function createRegoCompiler(options: RegoCompilerOptions = {}): CompileRego {
  const cacheDir = options.cacheDir ?? process.env.GITGATE_CACHE_DIR ?? defaultCacheDir;
  const timeoutMs = options.timeoutMs ?? compileTimeoutFromEnv();
  const memory = new Map<string, Promise<RegoCompileResult>>();
  let capabilities: Promise<string> | undefined;

  return async (files, entrypoints, compileOptions = {}) => {
    const v0Files = [...new Set(compileOptions.v0Files ?? [])].filter((path) => Object.hasOwn(files, path)).sort();
    // The built-in packs were compiled when Gitgate was built: no compiler is needed to run them.
    const prebuilt = precompiledModule(files, entrypoints, v0Files);
    if (prebuilt) return prebuilt;
    const opa = await findOpa(cacheDir);
    if (!opa) return { ok: false, errors: [{ message: missingOpaMessage }] };
    capabilities ??= wasmCapabilities(opa.language);
    const caps = await capabilities;
    const digest = digestOf(opa, caps, files, entrypoints, v0Files);
    let result = memory.get(digest);
    if (!result) {
      result = compileCached(opa, caps, files, entrypoints, v0Files, digest, cacheDir, timeoutMs);
      memory.set(digest, result);
    }
    return result;
  };
}

function digestOf(opa: OpaBinary, capabilities: string, files: Record<string, string>, entrypoints: readonly string[], v0Files: readonly string[]): string {
  const hash = createHash("sha256");
  hash.update(`${opa.version}\0${capabilities}\0${[...entrypoints].sort().join(",")}\0`);
  // The same text means something else (or nothing) in the other Rego version.
  if (v0Files.length > 0) hash.update(`v0:${v0Files.join("\0")}\0`);
  for (const path of Object.keys(files).sort()) hash.update(`${path}\0${files[path]}\0`);
  return hash.digest("hex");
}

async function compileCached(
  opa: OpaBinary,
  capabilities: string,
  files: Record<string, string>,
  entrypoints: readonly string[],
  v0Files: readonly string[],
  digest: string,
  cacheDir: string,
  timeoutMs: number,
): Promise<RegoCompileResult> {
  const cached = join(cacheDir, `${digest}.wasm`);
  try {
    return { ok: true, digest, wasm: new Uint8Array(await readFile(cached)) };
  } catch {
    // not cached yet
  }
  const work = await mkdtemp(join(tmpdir(), "gitgate-rego-"));
  try {
    // Files keep their repository paths, so compiler errors name the file a person has to open.
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(work, "src", path)), { recursive: true });
      await writeFile(join(work, "src", path), text);
    }
    if (v0Files.length > 0) await writeFile(join(work, "src", ".manifest"), JSON.stringify(manifestFor(v0Files)));
    await writeFile(join(work, "capabilities.json"), capabilities);
    const args = ["build", "-t", "wasm", "--capabilities", join(work, "capabilities.json"), "-o", join(work, "bundle.tar.gz")];
    for (const entrypoint of entrypoints) args.push("-e", entrypoint);
    try {
      await run(opa.path, [...args, ...sourceArgs(join(work, "src"), files, v0Files)], { cwd: join(work, "src"), timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const { stdout, stderr, killed, code } = error as { stdout?: string; stderr?: string; killed?: boolean; code?: unknown };
      // Node kills the child both at the time bound and when its output overflows maxBuffer.
      if (killed && code !== "ERR_CHILD_PROCESS_STDIO_MAXBUFFER") {
        return { ok: false, timedOut: true, errors: [{ message: `opa build did not finish within ${formatDuration(timeoutMs)} and was stopped` }] };
      }
      const output = withRepositoryPaths(`${stderr ?? ""}\n${stdout ?? ""}`, join(work, "src")).trim();
      return { ok: false, errors: parseCompilerErrors(output || (error as Error).message) };
    }
    await run("tar", ["-xzf", "bundle.tar.gz", "/policy.wasm"], { cwd: work }).catch(() => run("tar", ["-xzf", "bundle.tar.gz", "policy.wasm"], { cwd: work }));
    const wasm = new Uint8Array(await readFile(join(work, "policy.wasm")));
    await mkdir(cacheDir, { recursive: true });
    // Write then rename, so a concurrent reader never sees half a file.
    await writeFile(`${cached}.${process.pid}`, wasm);
    await rename(`${cached}.${process.pid}`, cached);
    return { ok: true, digest, wasm };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * A policy set with v0 files is built as a bundle whose manifest names each file's Rego version: one
 * compilation, so a v0 library and v1 policies can still import each other's packages (data.lib.…).
 * Without v0 files the files are passed one by one, as before.
 */
function sourceArgs(root: string, files: Record<string, string>, v0Files: readonly string[]): string[] {
  // The root is absolute: given as ".", OPA trims leading dots from bundle paths, so .github/policy/x.rego
  // would be named github/policy/x.rego and miss its manifest entry.
  return v0Files.length > 0 ? ["--bundle", root] : Object.keys(files);
}

/** A bundle's errors name absolute paths: back to the repository paths a person opens. */
function withRepositoryPaths(output: string, root: string): string {
  return output.replaceAll(`bundle ${root}: `, "bundle .: ").replaceAll(`${root}/`, "");
}

function manifestFor(v0Files: readonly string[]): object {
  // Bundle file paths start at the bundle root with "/"; rego_version 1 is the default for the rest.
  return { rego_version: 1, file_rego_versions: Object.fromEntries(v0Files.map((path) => [`/${path}`, 0])) };
}

/** `policy/x.rego:5: rego_parse_error: unexpected } token` → {path, line, message}. */
export function parseCompilerErrors(stderr: string): { path?: string; line?: number; message: string }[] {
  const errors = [...stderr.matchAll(/^(?:error: (?:load error: )?(?:bundle \.: )?(?:\d+ errors? occurred(?: during loading)?: )?)?([^\s:][^:\n]*\.rego):(\d+): (rego_\w+: .*)$/gim)].map(
    (m) => ({ path: m[1]!, line: Number(m[2]), message: m[3]! }),
  );
  return errors.length > 0 ? errors : [{ message: stderr.trim().replace(/^error: /i, "") || "opa build failed" }];
}

function compileTimeoutFromEnv(): number {
  const value = Number(process.env.GITGATE_POLICY_COMPILE_TIMEOUT_MS);
  return Number.isFinite(value) && value > 0 ? value : defaultCompileTimeoutMs;
}

function formatDuration(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
