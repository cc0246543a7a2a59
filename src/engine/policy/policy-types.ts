/** One compiled policy module (a WebAssembly binary) and its content digest. */
export interface PolicyModule {
  digest: string;
  wasm: Uint8Array;
  /** The policies' `data` document (the repository's policies.data files); {} when unset. */
  data?: Record<string, unknown>;
}

export type RegoCompileResult =
  | { ok: true; digest: string; wasm: Uint8Array }
  | { ok: false; errors: { path?: string; line?: number; message: string }[]; timedOut?: boolean };

export interface CompileRegoOptions {
  /** Files written in pre-1.0 Rego (`deny[msg] { … }`); every other file is Rego v1. */
  v0Files?: readonly string[];
}

/** Compiles Rego files (path → text) with the given entrypoints. Supplied by a shell (src/opa). */
export type CompileRego = (files: Record<string, string>, entrypoints: readonly string[], options?: CompileRegoOptions) => Promise<RegoCompileResult>;

/**
 * One Rego package of a compiled module, with the rules Gitgate reads from it (deny, violation, warn
 * with their suffixes, and exception). Each rule is its own WebAssembly entrypoint: a package as a
 * whole cannot be one when it holds functions, and conftest-style policies usually do.
 */
export interface PackagePolicy {
  digest: string;
  /** The package, e.g. "main" or "builtin.kubernetes"; rule ids without their own are named after it. */
  namespace: string;
  rules: string[];
}

export function entrypointOf(policy: PackagePolicy, rule: string): string {
  return `${policy.namespace.replaceAll(".", "/")}/${rule}`;
}

export interface PolicySet {
  modules: PolicyModule[];
  /** Evaluated once per document (conftest-style). */
  document: PackagePolicy[];
  /** Package `gitgate`, evaluated once per change set. */
  changeSet: PackagePolicy[];
}

export interface PolicyLimits {
  /** Wall-clock bound of one evaluation. */
  timeoutMs: number;
  /** Bound of one policy's WebAssembly memory. */
  memoryMiB: number;
}

export const defaultPolicyLimits: PolicyLimits = { timeoutMs: 2000, memoryMiB: 64 };
