import type { DraftFinding } from "../engine/finding.js";
import { regoHeads } from "./rego-heads.js";
import { judgingNothing } from "../engine/judging-now.js";
import { builtinPackFiles, type BuiltinPack } from "./builtin-packs.js";
import { entrypointOf, type CompileRego, type PackagePolicy, type PolicySet } from "../engine/policy/policy-types.js";
import { importedMemoryPages, wasmPageBytes } from "../engine/policy/wasm-memory.js";
import type { GitgateConfig } from "./config-types.js";
import { loadPolicyData } from "./load-policy-data.js";
import type { RepoReader } from "./repo-reader.js";

export interface LoadedPolicies {
  set: PolicySet;
  findings: DraftFinding[];
}

const changeSetPackage = "gitgate";

/**
 * Compiles the built-in packs the config enables and the repository's own Rego (read at the base
 * commit). A policy that does not compile is a config error on the .rego file and line: the check
 * fails closed rather than running without it.
 */
export async function loadPolicies(config: GitgateConfig, reader: RepoReader, compile: CompileRego | undefined, configPath: string): Promise<LoadedPolicies> {
  const set: PolicySet = { modules: [], document: [], changeSet: [] };
  const findings: DraftFinding[] = [];
  const atConfig = (message: string) =>
    findings.push({ severity: "error", rule: "policy/compile", message, path: configPath, source: "config", ...config.policies.at });
  const { builtin, paths, namespaces, pathRegoVersions } = config.policies;
  if (builtin.length === 0 && paths.length === 0 && config.policies.data.length === 0) return { set, findings };
  // Data is read (and its problems reported) even before any policy uses it: a broken file is never silent.
  const data = await loadPolicyData(config, reader, configPath);
  findings.push(...data.findings);
  if (builtin.length === 0 && paths.length === 0) return { set, findings };
  if (!compile) {
    atConfig("Policies are configured but no Rego compiler is available in this environment.");
    return { set, findings };
  }

  const add = async (files: Record<string, string>, documentPackages: string[], withChangeSet: boolean, v0Files: string[] = [], moduleData?: Record<string, unknown>) => {
    const packages = [...documentPackages, ...(withChangeSet ? [changeSetPackage] : [])].map((namespace) => ({ namespace, rules: rulesOf(files, namespace) }));
    const entrypoints = packages.flatMap((p) => p.rules.map((rule) => entrypointOf({ ...p, digest: "" }, rule)));
    if (entrypoints.length === 0) return;
    // Compiling is work on every policy file at once, not on the one read last.
    judgingNothing();
    const compiled = await compile(files, entrypoints, v0Files.length > 0 ? { v0Files } : undefined);
    if (!compiled.ok && compiled.timedOut) {
      findings.push({
        severity: "error", rule: "policy/compile-timeout", source: "config", path: configPath, ...config.policies.at,
        message: `Policies ${packages.map((p) => p.namespace).join(", ")} could not be compiled: ${compiled.errors[0]?.message ?? "opa build was stopped"}. ` +
          "They are too large or too complex to run: split or simplify them.",
      });
      return;
    }
    if (!compiled.ok) {
      const hinted = new Set<string>();
      for (const error of compiled.errors) {
        const line = error.line ?? 1;
        if (error.path && !error.path.startsWith("builtin/")) {
          // OPA 1.0 refuses pre-1.0 syntax with these words: say once per file how to keep the file as it is.
          const hint = !v0Files.includes(error.path) && v0Refusal.test(error.message) && !hinted.has(error.path) ? v0Hint : "";
          if (hint) hinted.add(error.path);
          findings.push({ severity: "error", rule: "policy/compile", source: "config", path: error.path, line, column: 1, endLine: line, endColumn: 1, message: `Policy does not compile: ${error.message}${hint}` });
        } else {
          atConfig(`Policies could not be compiled: ${error.path ? `${error.path}:${line}: ` : ""}${error.message}`);
        }
      }
      return;
    }
    // OPA puts a policy's constants in the memory it starts with: a policy that needs more than the
    // bound before it has read any input can never run, so it is a config problem, said up front.
    const pages = importedMemoryPages(compiled.wasm) ?? 0;
    const allowed = config.limits.policyMemoryMiB * 1024 * 1024;
    if (pages * wasmPageBytes > allowed) {
      findings.push({
        severity: "error", rule: "policy/memory", source: "config", path: configPath, ...config.policies.at,
        message: `Policies ${packages.map((p) => p.namespace).join(", ")} need ${mebibytes(pages * wasmPageBytes)} MiB of memory to start, more than the ` +
          `${config.limits.policyMemoryMiB} MiB limits.policy_memory_mib allows: raise the limit or make the policies smaller.`,
      });
      return;
    }
    set.modules.push({ digest: compiled.digest, wasm: compiled.wasm, ...(moduleData ? { data: moduleData } : {}) });
    for (const p of packages) {
      if (p.rules.length === 0) continue;
      const policy: PackagePolicy = { digest: compiled.digest, namespace: p.namespace, rules: p.rules };
      (p.namespace === changeSetPackage && withChangeSet ? set.changeSet : set.document).push(policy);
    }
  };

  for (const pack of builtin) await add(builtinPackFiles(pack), [builtinNamespace(pack)], false);

  const files: Record<string, string> = {};
  const v0Files = new Set<string>();
  for (const [i, path] of paths.entries()) {
    const listed = await reader.list(path);
    // A prebuilt bundle could call built-ins the SDK lacks, or be stale against its sources: refuse it
    // loudly rather than skip it silently.
    for (const bundle of listed.filter((f) => f.endsWith(".wasm"))) {
      findings.push({ severity: "error", rule: "policy/compile", source: "config", path: bundle, line: 1, column: 1, endLine: 1, endColumn: 1, message: "Prebuilt .wasm bundles are not run: commit the Rego sources, Gitgate compiles them with the pinned OPA." });
    }
    const regoFiles = listed.filter((f) => f.endsWith(".rego") && !f.endsWith("_test.rego"));
    // A path that holds no policy is a typo or a moved folder: the repository's policies would stop
    // running without anyone noticing, so it fails the check until the config is corrected.
    if (regoFiles.length === 0) {
      findings.push({
        severity: "error", rule: "config/policy-path", source: "config", path: configPath, ...(config.policies.pathsAt[i] ?? config.policies.at),
        message: `policies.paths: "${path}" holds no .rego files at the base commit, so its policies cannot run: fix the path or remove it`,
      });
    }
    for (const file of regoFiles) {
      files[file] = (await reader.read(file)) ?? "";
      // A file listed under two paths takes the version of the last one, as its text does in `files`.
      if (pathRegoVersions[i] === "v0") v0Files.add(file);
      else v0Files.delete(file);
    }
  }
  if (Object.keys(files).length === 0) return { set, findings };
  const packages = new Set(Object.values(files).map(packageOf));
  const documentPackages = namespaces.filter((ns) => packages.has(ns));
  const withChangeSet = packages.has(changeSetPackage);
  if (documentPackages.length === 0 && !withChangeSet) {
    findings.push({
      severity: "error", rule: "config/policy-path", source: "config", path: configPath, ...config.policies.at,
      message: `policies.paths hold no package named ${[...namespaces, changeSetPackage].join(", ")}: none of their policies would run`,
    });
    return { set, findings };
  }
  // Policies that expect data they cannot have would judge wrongly: with broken data the repository's
  // policies are skipped (the data errors fail the check), the built-in packs still run.
  if (data.findings.some((f) => f.severity === "error")) return { set, findings };
  await add(files, documentPackages, withChangeSet, [...v0Files], data.data);
  return { set, findings };
}

const builtinNamespace = (pack: BuiltinPack) => `builtin.${pack}`;

/**
 * Exactly what loadPolicies asks the compiler for a built-in pack: `npm run build:packs` compiles the
 * same input ahead of time, so the lookup of the prebuilt module finds it.
 */
export function builtinPackCompileInput(pack: BuiltinPack): { files: Record<string, string>; entrypoints: string[] } {
  const files = builtinPackFiles(pack);
  const namespace = builtinNamespace(pack);
  return { files, entrypoints: rulesOf(files, namespace).map((rule) => entrypointOf({ namespace, rules: [], digest: "" }, rule)) };
}

const v0Refusal = /`if` keyword is required before rule body|`contains` keyword is required for partial set rules/;
const v0Hint = " (this is pre-1.0 Rego syntax, which OPA 1.0 refuses: to run the file unchanged, give its policies.paths entry `rego_version: v0`, or set policies.rego_version: v0)";

function mebibytes(bytes: number): string {
  return (Math.ceil((bytes / (1024 * 1024)) * 10) / 10).toString();
}

function packageOf(text: string): string | undefined {
  return regoHeads(text).package;
}

/**
 * The rules conftest reads from a package: deny, violation and warn with any `_suffix`, and
 * exception, wherever their heads are indented (see regoHeads).
 */
export function rulesOf(files: Record<string, string>, namespace: string): string[] {
  const rules = new Set<string>();
  for (const text of Object.values(files)) {
    const { package: name, heads } = regoHeads(text);
    if (name !== namespace) continue;
    for (const head of heads) if (/^(?:(?:deny|violation|warn)(?:_\w+)?|exception)$/.test(head)) rules.add(head);
  }
  return [...rules].sort();
}
