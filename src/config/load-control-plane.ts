import { createHash } from "node:crypto";
import { codeOwnersPaths } from "../engine/approvals/codeowners-paths.js";
import { fileStart, type DraftFinding, type Span } from "../engine/finding.js";
import { judgingNothing, judgingNow } from "../engine/judging-now.js";
import type { CompileRego, PolicySet } from "../engine/policy/policy-types.js";
import { CustomResourceSchemas, crdsInText, type CrdDocument } from "../engine/schema/crd-registry.js";
import { createRepoSchemaCompiler, type ReadFile } from "../engine/schema/repo-schemas.js";
import type { ValidateFunction } from "../engine/schema/schema-error.js";
import { defaultParseLimits } from "../engine/parse/parse-limits.js";
import { createMatcher } from "./check-globs.js";
import { configPath as defaultConfigPath, type GitgateConfig } from "./config-types.js";
import { extendConfig } from "./extend-config.js";
import { loadConfig, type LoadedConfig } from "./load-config.js";
import { loadExceptions, type PolicyException } from "./load-exceptions.js";
import { loadPolicies } from "./load-policies.js";
import { normalizeConfig } from "./normalize-config.js";
import { confinedReader, controlPathProblem, RefusedPathError, type RepoReader } from "./repo-reader.js";

export type ResolvedSchema =
  | { kind: "kubernetes"; strict?: boolean; kubernetesVersion: string; matches: (path: string) => boolean; customResources?: CustomResourceSchemas }
  /** Without `validate` the schema did not compile: `problemAt` is the config line that says why. */
  | { kind: "repo"; path: string; matches: (path: string) => boolean; validate?: ValidateFunction; problemAt?: number };

/** Everything a repository says about how it is governed, as read at one (base) commit. */
export interface ControlPlane {
  configPath: string;
  /** Undefined when the config has errors: then nothing may be judged by it. */
  config?: GitgateConfig;
  /** True when the repository has no config and the built-in defaults apply. */
  defaulted: boolean;
  /**
   * True when the config itself cannot be trusted (it does not load, or names paths outside the
   * repository): then nothing is judged. A broken schema, policy or exceptions file is not this: it
   * fails the check with its own error while everything else is still judged.
   */
  configInvalid: boolean;
  /** Config errors and warnings, and schemas that could not be compiled. */
  findings: DraftFinding[];
  schemas: ResolvedSchema[];
  policies: PolicySet;
  exceptions: PolicyException[];
  /** sha256 of every control-plane file that was read, for the record in the check summary. */
  digests: Record<string, string>;
  /** True for a path whose change changes how PRs are judged. */
  isControlPlanePath(path: string): boolean;
}

export interface LoadControlPlaneOptions {
  configPath?: string;
  /** Replaces the config file's content (the CLI's --config). */
  configText?: string;
  /** Compiles Rego; without it, a config that enables policies is an error. */
  compileRego?: CompileRego;
  /**
   * The organisation's config (already loaded from its `.github` repository): used when the repository
   * has none, and inherited section by section when the repository's config says `_extends`.
   */
  inherited?: LoadedConfig;
}

/**
 * Loads config, schemas, policies and exceptions through `reader`, which serves files of one commit
 * (the base). Never throws for bad content: problems are findings. Only failing I/O rejects.
 */
export async function loadControlPlane(repoReader: RepoReader, options: LoadControlPlaneOptions = {}): Promise<ControlPlane> {
  // Every path the config names is untrusted: none may reach outside the repository, whatever the source.
  const reader = confinedReader(repoReader);
  const read = reader.read;
  const configPath = options.configPath ?? defaultConfigPath;
  // Keyed by repository paths, which are input: no prototype, so a file named __proto__ is recorded too.
  const digests: Record<string, string> = Object.create(null) as Record<string, string>;
  const tracked: ReadFile = async (path) => {
    // Waiting for a read is work on no file; what follows it (parsing, compiling) is work on that file.
    judgingNothing();
    const text = await read(path);
    judgingNow(path);
    if (text !== undefined) digests[path] = createHash("sha256").update(text).digest("hex");
    return text;
  };

  const configRead = options.configText !== undefined ? { value: options.configText } : await refusing(() => tracked(configPath));
  const text = configRead.value;
  if (options.configText !== undefined) digests[configPath] = createHash("sha256").update(options.configText).digest("hex");
  const loaded: LoadedConfig = configRead.refused
    ? { errors: [{ severity: "error", rule: "config/path", source: "config", path: configPath, ...fileStart, message: configRead.refused.message }], warnings: [] }
    : resolveConfig(text, configPath, options.inherited);
  const findings: DraftFinding[] = [...loaded.errors, ...loaded.warnings];
  const config = loaded.config;
  let configInvalid = config === undefined;
  const plane = (schemas: ResolvedSchema[], policies: PolicySet = { modules: [], document: [], changeSet: [] }, exceptions: PolicyException[] = []): ControlPlane => ({
    configPath,
    ...(config ? { config } : {}),
    configInvalid,
    defaulted: text === undefined && configRead.refused === undefined && options.inherited === undefined,
    findings,
    schemas,
    policies,
    exceptions,
    digests,
    isControlPlanePath: (path) => isControlPlanePath(path, configPath, config, digests),
  });
  if (!config) return plane([]);
  const outside = pathProblems(config, configPath);
  if (outside.length > 0) {
    findings.push(...outside);
    configInvalid = true;
    return plane([]);
  }

  const compile = createRepoSchemaCompiler(tracked);
  const crds = await loadCrds(config, reader, tracked, configPath, findings);
  const customResources = CustomResourceSchemas.create(tracked, {
    kinds: config.schemaKinds,
    catalogs: config.schemaCatalogs.map((c) => c.path),
    crds,
  });
  const schemas: ResolvedSchema[] = [];
  for (const rule of config.schemas) {
    const matches = createMatcher(rule.files);
    if (rule.schema === "kubernetes") {
      schemas.push({ kind: "kubernetes", ...(rule.strict !== undefined ? { strict: rule.strict } : {}), kubernetesVersion: config.kubernetesVersion, matches, customResources });
      continue;
    }
    const compiled = await compile(rule.schema);
    if (!compiled.ok) {
      findings.push({
        severity: "error", rule: "config/schema", source: "config", path: configPath, ...rule.at,
        message: `Schema ${rule.schema} cannot be used, so files matching it cannot be validated: ${compiled.problem}`,
      });
    }
    schemas.push({ kind: "repo", path: rule.schema, matches, ...(compiled.ok ? { validate: compiled.validate } : { problemAt: rule.at.line }) });
  }
  const atConfig = (at: Span, message: string): DraftFinding => ({ severity: "error", rule: "config/path", source: "config", path: configPath, ...at, message });
  const loadedPolicies = await refusing(() => loadPolicies(config, { read: tracked, list: reader.list }, options.compileRego, configPath));
  if (loadedPolicies.refused) findings.push(atConfig(config.policies.at, `Policies cannot be loaded: ${loadedPolicies.refused.message}`));
  const policies = loadedPolicies.value ?? { set: { modules: [], document: [], changeSet: [] }, findings: [] };
  findings.push(...policies.findings);
  const exceptionsRead = await refusing(() => tracked(config.exceptions));
  if (exceptionsRead.refused) findings.push(atConfig(config.exceptionsAt ?? fileStart, `Exceptions cannot be loaded: ${exceptionsRead.refused.message}`));
  const exceptionsText = exceptionsRead.value;
  const exceptions = exceptionsText === undefined ? { exceptions: [], findings: [] } : loadExceptions(config.exceptions, exceptionsText);
  findings.push(...exceptions.findings);
  return plane(schemas, policies.set, exceptions.exceptions);
}

/**
 * The CustomResourceDefinitions in the files and folders `crds:` names, read at the base. A path that
 * holds no YAML or JSON file is a typo or a moved folder: the custom resources would silently lose
 * their schemas, so it fails the check on its config line, like an empty policy path.
 */
async function loadCrds(config: GitgateConfig, reader: RepoReader, read: ReadFile, configPath: string, findings: DraftFinding[]): Promise<CrdDocument[]> {
  const crds: CrdDocument[] = [];
  for (const { path, at } of config.crds) {
    const listed = await refusing(() => reader.list(path));
    const files = (listed.value ?? []).filter((file) => /\.(ya?ml|json)$/i.test(file));
    if (listed.refused || files.length === 0) {
      findings.push({
        severity: "error", rule: "config/crd-path", source: "config", path: configPath, ...at,
        message: listed.refused ? `crds: ${listed.refused.message}` : `crds: "${path}" holds no YAML or JSON files at the base commit, so its CustomResourceDefinitions cannot be used: fix the path or remove it`,
      });
      continue;
    }
    for (const file of files) {
      const text = await refusing(() => read(file));
      if (text.refused) findings.push({ severity: "error", rule: "config/crd-path", source: "config", path: configPath, ...at, message: `crds: ${text.refused.message}` });
      else if (text.value !== undefined) crds.push(...crdsInText(file, text.value, { ...defaultParseLimits, maxFileBytes: config.limits.maxFileBytes }));
    }
  }
  return crds;
}

/** Runs a read, turning a refused path (outside the repository, a link) into a value instead of a throw. */
async function refusing<T>(run: () => Promise<T>): Promise<{ value?: T; refused?: RefusedPathError }> {
  try {
    return { value: await run() };
  } catch (error) {
    if (error instanceof RefusedPathError) return { refused: error };
    throw error;
  }
}

/**
 * Every path the config names must stay inside the repository. The config's own checks catch most when
 * it is loaded; this holds for any config, inherited or merged, before a single path is read.
 */
function pathProblems(config: GitgateConfig, configPath: string): DraftFinding[] {
  const named: [string, string, Span][] = [
    ...config.schemas.filter((rule) => rule.schema !== "kubernetes").map((rule): [string, string, Span] => ["schema", rule.schema, rule.at]),
    ...config.policies.paths.map((path): [string, string, Span] => ["policies.paths", path, config.policies.at]),
    ...config.policies.data.map((path, i): [string, string, Span] => ["policies.data", path, config.policies.dataAt[i] ?? config.policies.at]),
    ...config.schemaKinds.map((rule): [string, string, Span] => ["schema", rule.schema, rule.at]),
    ...config.schemaCatalogs.map((catalog): [string, string, Span] => ["catalog", catalog.path, catalog.at]),
    ...config.crds.map((crd): [string, string, Span] => ["crds", crd.path, crd.at]),
    ["exceptions", config.exceptions, config.exceptionsAt ?? fileStart],
  ];
  return named.flatMap(([field, path, at]) => {
    const problem = controlPathProblem(path);
    return problem ? [{ severity: "error" as const, rule: "config/invalid", source: "config" as const, path: configPath, ...at, message: `${field} ${problem}` }] : [];
  });
}

function isControlPlanePath(
  path: string,
  configPath: string,
  config: GitgateConfig | undefined,
  digests: Record<string, string>,
): boolean {
  if (path === configPath || Object.hasOwn(digests, path)) return true;
  if (!config) return false;
  if (path === config.exceptions) return true;
  // With `codeowners: true`, CODEOWNERS decides who must approve: changing it changes the rules.
  if (config.approvals.codeowners && (codeOwnersPaths as readonly string[]).includes(path)) return true;
  if (config.schemas.some((rule) => rule.schema === path) || config.schemaKinds.some((rule) => rule.schema === path)) return true;
  const folders = [...config.policies.paths, ...config.policies.data, ...config.crds.map((c) => c.path), ...config.schemaCatalogs.map((c) => c.path)];
  return folders.some((dir) => path === dir || path.startsWith(dir.replace(/\/*$/, "/")));
}

/** The repository's config, or the inherited one, or both merged, or the built-in defaults. */
export function resolveConfig(text: string | undefined, configPath: string, inherited: LoadedConfig | undefined): LoadedConfig {
  if (text === undefined) return inherited ?? { config: normalizeConfig({ version: 1 }), errors: [], warnings: [] };
  const own = loadConfig(text, configPath);
  if (!inherited || own.config?.extends === undefined) return own;
  const problems = { errors: [...inherited.errors, ...own.errors], warnings: [...inherited.warnings, ...own.warnings] };
  if (!inherited.config || !own.config) return problems;
  return { ...problems, config: extendConfig(inherited.config, own.config, own.keys ?? []) };
}
