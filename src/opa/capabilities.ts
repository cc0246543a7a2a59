import { readFile } from "node:fs/promises";
import type { OpaLanguage } from "./opa-binary.js";

/**
 * The built-ins the WebAssembly SDK can run, with the language features of the compiler in use. A
 * policy that calls anything else (http.send, …) fails to compile instead of failing in production.
 * The SDK's file predates OPA 1.0 and lists no features, without which v1 Rego does not parse.
 */
export async function wasmCapabilities(language: OpaLanguage): Promise<string> {
  // The package does not export the file; it sits at its root, one level above the entry module.
  const sdkFile = new URL("../capabilities.json", import.meta.resolve("@open-policy-agent/opa-wasm"));
  const sdk = JSON.parse(await readFile(sdkFile, "utf8")) as Record<string, unknown>;
  return JSON.stringify({ ...sdk, features: language.features, future_keywords: language.future_keywords });
}
