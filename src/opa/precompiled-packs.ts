import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { RegoCompileResult } from "../engine/policy/policy-types.js";

/**
 * The built-in packs, compiled to WebAssembly when Gitgate is built (`npm run build:packs`) and shipped
 * in dist/policies/, so the CLI runs them without an OPA compiler on the machine. The folder sits at the
 * package root's dist/ both from src/opa (tests, tsx) and from dist/opa (the package).
 */
export const precompiledDir = new URL("../../dist/policies/", import.meta.url);
export const precompiledManifestName = "packs.json";

export interface PrecompiledManifest {
  /** The OPA release that compiled the packs. */
  opaVersion: string;
  /** By source key (see sourceKeyOf): the compiled module's file, its sha256, and the compiler's digest. */
  modules: Record<string, { file: string; sha256: string; digest: string }>;
}

/**
 * What a compilation's result depends on besides the compiler: the files' paths and texts, the
 * entrypoints and the v0 files. A prebuilt module is used only for exactly the same input, so editing
 * policies/ without rebuilding falls back to compiling, never to a stale module.
 */
export function sourceKeyOf(files: Record<string, string>, entrypoints: readonly string[], v0Files: readonly string[]): string {
  const hash = createHash("sha256");
  hash.update(`${[...entrypoints].sort().join(",")}\0v0:${[...v0Files].sort().join("\0")}\0`);
  for (const path of Object.keys(files).sort()) hash.update(`${path}\0${files[path]}\0`);
  return hash.digest("hex");
}

let manifest: PrecompiledManifest | null | undefined;

/** The prebuilt module for this input, or undefined when there is none (or its file is damaged). */
export function precompiledModule(files: Record<string, string>, entrypoints: readonly string[], v0Files: readonly string[]): Extract<RegoCompileResult, { ok: true }> | undefined {
  if (manifest === undefined) {
    try {
      manifest = JSON.parse(readFileSync(new URL(precompiledManifestName, precompiledDir), "utf8")) as PrecompiledManifest;
    } catch {
      manifest = null; // not built (a clone before `npm run build`): compile instead
    }
  }
  const entry = manifest?.modules[sourceKeyOf(files, entrypoints, v0Files)];
  if (!entry) return undefined;
  try {
    const wasm = new Uint8Array(readFileSync(new URL(entry.file, precompiledDir)));
    // A truncated or altered file is not run: compile the sources instead, as without a prebuilt module.
    if (createHash("sha256").update(wasm).digest("hex") !== entry.sha256) return undefined;
    return { ok: true, digest: entry.digest, wasm };
  } catch {
    return undefined;
  }
}
