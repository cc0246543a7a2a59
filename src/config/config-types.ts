import type { Span } from "../engine/finding.js";

export type Globs = string[];

export interface SchemaRule {
  files: Globs;
  /** A repository path, or "kubernetes" for the built-in set. */
  schema: string;
  /**
   * With "kubernetes": undefined (the default) rejects unknown fields and notes kinds without a schema;
   * true rejects both; false rejects neither.
   */
  strict?: boolean;
  /** How the rule's files are read as YAML; unset: the top-level `yamlVersion` decides. */
  yamlVersion?: "1.1" | "1.2";
  /** Where the rule is written, so problems with its schema are annotated there. */
  at: Span;
}

/** `- kind: acme.example.com/v1 Widget` with `schema: path`: custom resources of that kind are validated by the file. */
export interface KindSchemaRule {
  apiVersion: string;
  kind: string;
  schema: string;
  at: Span;
}

export interface Approvers {
  count: number;
  users: string[];
  teams: string[];
}

export interface ApprovalRule extends Approvers {
  name: string;
  /** Undefined: the rule applies to every change. */
  files?: Globs;
}

export type RuleOverride = "off" | "error" | "warning" | "notice";

/** The Rego syntax a policy path is written in: v1 (OPA 1.0 on) or v0 (`deny[msg] { … }`, before 1.0). */
export type RegoVersion = "v0" | "v1";

/** `.github/gitgate.yml` after validation and defaults: the only shape the rest of the code sees. */
export interface GitgateConfig {
  version: 1;
  extends?: string;
  files: Globs;
  ignore: Globs;
  failOn: "new" | "all";
  /** The Kubernetes release (`1.N`) whose served API versions manifests must use. */
  kubernetesVersion: string;
  schemas: SchemaRule[];
  /**
   * How governed YAML is read. "auto": Kubernetes manifests (a document with `apiVersion` or `kind` at
   * the top, or a file a `schema: kubernetes` rule governs) as kubectl reads them, YAML 1.1; the rest
   * as YAML 1.2. "1.1" or "1.2": every governed YAML file so, unless its `schemas` rule says otherwise.
   */
  yamlVersion: "auto" | "1.1" | "1.2";
  /** `schemas` entries that name a schema file for one custom resource kind. */
  schemaKinds: KindSchemaRule[];
  /** `schemas` entries that name a catalog folder (`{group}/{kind}_{version}.json`). */
  schemaCatalogs: { path: string; at: Span }[];
  /** Files or folders holding CustomResourceDefinitions, read at the base; `at` says where each is written. */
  crds: { path: string; at: Span }[];
  policies: {
    builtin: ("kubernetes" | "gitops")[];
    paths: string[];
    /** The Rego syntax of each of `paths`, in the same order. */
    pathRegoVersions: RegoVersion[];
    /** JSON/YAML files or folders whose top-level keys are merged into the policies' `data`. */
    data: string[];
    /** Where each of `data` is written, in the same order. */
    dataAt: Span[];
    namespaces: string[];
    /** Keyed by rule id, which is untrusted text: a Map, so no id can reach an inherited property. */
    rules: ReadonlyMap<string, RuleOverride>;
    /** Where `policies` is written, for problems with the policies as a whole. */
    at: Span;
    /** Where each of `paths` is written, in the same order. */
    pathsAt: Span[];
  };
  exceptions: string;
  /** Where `exceptions` is written, when it is: problems with the file are annotated there. */
  exceptionsAt?: Span;
  approvals: {
    rules: ApprovalRule[];
    invalidateOnPush: boolean;
    allowAuthor: boolean;
    allowContributors: boolean;
    codeowners: boolean;
    requestReviews: boolean;
    controlPlane: Approvers;
  };
  protect: {
    /** Globs of protected branches; undefined means the repository's default branch. */
    branches?: string[];
    onBypass: ("check" | "issue" | "revert")[];
    branchProtection: "report" | "enforce";
  };
  preview: { comment: boolean; redact: Globs };
  render: RenderConfig;
  limits: {
    maxFileBytes: number;
    policyTimeoutMs: number;
    policyMemoryMiB: number;
    /** Longest an exception may run, counted from the day of the check. */
    exceptionMaxDays: number;
  };
}

/** `render:` — which Kustomize roots and Helm charts are rendered and judged, and how (see src/rendering). */
export interface RenderConfig {
  /** `render: false` turns rendering off. */
  enabled: boolean;
  /** Find Kustomize roots and the charts Argo CD Applications / Flux HelmReleases point at. */
  discover: boolean;
  /** Rendering may reach the network (remote bases); off: they are refused with a finding. */
  network: boolean;
  kustomize: { path: string; at: Span }[];
  helm: { chart: string; values: string[]; release?: string; namespace?: string; at: Span }[];
  timeoutMs: number;
  memoryMiB: number;
}

export const configPath = ".github/gitgate.yml";
