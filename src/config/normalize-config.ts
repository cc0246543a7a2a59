import type { ParsedDocument } from "../engine/parse/parsed-document.js";
import { joinPointer } from "../engine/parse/locate.js";
import { defaultMaxFileBytes } from "../engine/parse/parse-limits.js";
import { newestKubernetesVersion } from "../engine/schema/api-deprecations.js";
import type { GitgateConfig, RegoVersion, RuleOverride } from "./config-types.js";

type OneOrMany = string | string[];
/** `yaml_version: 1.1` unquoted is the number 1.1: both spellings are accepted. */
type RawYamlVersion = "1.1" | "1.2" | 1.1 | 1.2;

interface RawApprovers {
  count?: number;
  users?: string[];
  teams?: string[];
}

/** One `schemas` entry: files to a schema, a custom resource kind to a schema file, or a catalog folder. */
export type RawSchemaRule =
  | { files: OneOrMany; schema: string; strict?: boolean; yaml_version?: RawYamlVersion; kind?: never; catalog?: never }
  | { kind: string; schema: string; files?: never; catalog?: never }
  | { catalog: string; files?: never; schema?: never; kind?: never };

/** The config exactly as its JSON Schema allows it to be written. */
export interface RawConfig {
  _extends?: string;
  version: 1;
  files?: OneOrMany;
  ignore?: OneOrMany;
  fail_on?: "new" | "all";
  kubernetes_version?: string;
  schemas?: RawSchemaRule[];
  crds?: OneOrMany;
  yaml_version?: "auto" | RawYamlVersion;
  policies?: {
    builtin?: ("kubernetes" | "gitops")[];
    paths?: (string | { path: string; rego_version?: RegoVersion })[];
    rego_version?: RegoVersion;
    data?: string[];
    namespaces?: string[];
    rules?: Record<string, RuleOverride>;
  };
  exceptions?: string;
  approvals?: {
    rules?: (RawApprovers & { name: string; files?: OneOrMany })[];
    invalidate_on_push?: boolean;
    allow_author?: boolean;
    allow_contributors?: boolean;
    codeowners?: boolean;
    request_reviews?: boolean;
    control_plane?: RawApprovers;
  };
  protect?: {
    branches?: string[];
    on_bypass?: ("check" | "issue" | "revert")[];
    branch_protection?: "report" | "enforce";
  };
  preview?: { comment?: boolean; redact?: OneOrMany };
  render?: false | RawRender;
  limits?: { max_file_bytes?: number; policy_timeout_ms?: number; policy_memory_mib?: number; exception_max_days?: number };
}

interface RawRender {
  discover?: boolean;
  network?: boolean;
  kustomize?: string[];
  helm?: { chart: string; values?: string[]; release?: string; namespace?: string }[];
  timeout_seconds?: number;
  memory_mib?: number;
}

export const defaultGoverned = ["**/*.yaml", "**/*.yml", "**/*.json"];

const many = (value: OneOrMany | undefined, fallback: string[] = []): string[] =>
  value === undefined ? fallback : typeof value === "string" ? [value] : value;

const approvers = (raw: RawApprovers | undefined, count: number) => ({
  count: raw?.count ?? count,
  users: raw?.users ?? [],
  teams: raw?.teams ?? [],
});

/** A `policies.paths` entry is a path, or `{path, rego_version}`. */
export const policyPathOf = (entry: string | { path: string }): string => (typeof entry === "string" ? entry : entry.path);

const at = (doc: ParsedDocument | undefined, ...segments: (string | number)[]) =>
  doc ? doc.locate(joinPointer(segments)) : { line: 1, column: 1, endLine: 1, endColumn: 1 };

/** Applies defaults and renames to camelCase: after this, code sees one shape. */
export function normalizeConfig(raw: RawConfig, doc?: ParsedDocument): GitgateConfig {
  return {
    version: 1,
    ...(raw._extends !== undefined ? { extends: raw._extends } : {}),
    files: many(raw.files, defaultGoverned),
    ignore: many(raw.ignore),
    failOn: raw.fail_on ?? "new",
    kubernetesVersion: raw.kubernetes_version ?? newestKubernetesVersion,
    schemas: (raw.schemas ?? []).flatMap((rule, i) => rule.files === undefined ? [] : [{
      files: many(rule.files),
      schema: rule.schema,
      // Unset differs from false: unset closes the built-in schemas to unknown fields (see SchemaRule).
      ...(rule.strict !== undefined ? { strict: rule.strict } : {}),
      ...(rule.yaml_version !== undefined ? { yamlVersion: yamlVersionOf(rule.yaml_version) } : {}),
      at: at(doc, "schemas", i, "schema"),
    }]),
    yamlVersion: raw.yaml_version === undefined || raw.yaml_version === "auto" ? "auto" : yamlVersionOf(raw.yaml_version),
    schemaKinds: (raw.schemas ?? []).flatMap((rule, i) => {
      if (rule.kind === undefined) return [];
      const [apiVersion, kind] = rule.kind.trim().split(/\s+/) as [string, string];
      return [{ apiVersion, kind, schema: rule.schema, at: at(doc, "schemas", i, "schema") }];
    }),
    schemaCatalogs: (raw.schemas ?? []).flatMap((rule, i) => rule.catalog === undefined ? [] : [{ path: rule.catalog, at: at(doc, "schemas", i, "catalog") }]),
    crds: many(raw.crds).map((path, i) => ({ path, at: typeof raw.crds === "string" ? at(doc, "crds") : at(doc, "crds", i) })),
    policies: {
      builtin: raw.policies?.builtin ?? [],
      paths: (raw.policies?.paths ?? []).map(policyPathOf),
      // A path written without its own version takes the section's, so a whole v0 library is one line.
      pathRegoVersions: (raw.policies?.paths ?? []).map((entry) => (typeof entry === "string" ? undefined : entry.rego_version) ?? raw.policies?.rego_version ?? "v1"),
      data: raw.policies?.data ?? [],
      dataAt: (raw.policies?.data ?? []).map((_, i) => (doc ? doc.locate(joinPointer(["policies", "data", i])) : { line: 1, column: 1, endLine: 1, endColumn: 1 })),
      namespaces: raw.policies?.namespaces ?? ["main"],
      rules: new Map(Object.entries(raw.policies?.rules ?? {})),
      at: doc ? doc.locate("/policies", "key") : { line: 1, column: 1, endLine: 1, endColumn: 1 },
      pathsAt: (raw.policies?.paths ?? []).map((_, i) => (doc ? doc.locate(joinPointer(["policies", "paths", i])) : { line: 1, column: 1, endLine: 1, endColumn: 1 })),
    },
    exceptions: raw.exceptions ?? ".github/gitgate-exceptions.yml",
    ...(doc && raw.exceptions !== undefined ? { exceptionsAt: doc.locate("/exceptions") } : {}),
    approvals: {
      rules: (raw.approvals?.rules ?? []).map((rule) => ({
        name: rule.name,
        ...(rule.files !== undefined ? { files: many(rule.files) } : {}),
        ...approvers(rule, 1),
      })),
      invalidateOnPush: raw.approvals?.invalidate_on_push ?? true,
      allowAuthor: raw.approvals?.allow_author ?? false,
      allowContributors: raw.approvals?.allow_contributors ?? false,
      codeowners: raw.approvals?.codeowners ?? false,
      requestReviews: raw.approvals?.request_reviews ?? false,
      controlPlane: approvers(raw.approvals?.control_plane, 1),
    },
    protect: {
      // Unset: the repository's default branch, which only GitHub knows (the guard asks it).
      ...(raw.protect?.branches !== undefined ? { branches: raw.protect.branches } : {}),
      onBypass: raw.protect?.on_bypass ?? ["check", "issue"],
      branchProtection: raw.protect?.branch_protection ?? "report",
    },
    preview: { comment: raw.preview?.comment ?? true, redact: many(raw.preview?.redact) },
    render: renderOf(raw.render, doc),
    limits: {
      maxFileBytes: raw.limits?.max_file_bytes ?? defaultMaxFileBytes,
      policyTimeoutMs: raw.limits?.policy_timeout_ms ?? 2000,
      policyMemoryMiB: raw.limits?.policy_memory_mib ?? 64,
      exceptionMaxDays: raw.limits?.exception_max_days ?? 90,
    },
  };
}

function renderOf(raw: RawConfig["render"], doc: ParsedDocument | undefined): GitgateConfig["render"] {
  const section = raw === false ? {} : raw ?? {};
  return {
    enabled: raw !== false,
    discover: section.discover ?? true,
    network: section.network ?? false,
    kustomize: (section.kustomize ?? []).map((path, i) => ({ path: trimSlash(path), at: at(doc, "render", "kustomize", i) })),
    helm: (section.helm ?? []).map((entry, i) => ({
      chart: trimSlash(entry.chart),
      values: entry.values ?? [],
      ...(entry.release !== undefined ? { release: entry.release } : {}),
      ...(entry.namespace !== undefined ? { namespace: entry.namespace } : {}),
      at: at(doc, "render", "helm", i, "chart"),
    })),
    timeoutMs: (section.timeout_seconds ?? 30) * 1000,
    memoryMiB: section.memory_mib ?? 512,
  };
}

const trimSlash = (path: string) => path.replace(/\/+$/, "");

const yamlVersionOf = (raw: RawYamlVersion): "1.1" | "1.2" => (String(raw) === "1.1" ? "1.1" : "1.2");
