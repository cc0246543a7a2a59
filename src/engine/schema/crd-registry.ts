import type { Ajv } from "ajv";
import { parseFile } from "../parse/parse-file.js";
import type { ParsedFile } from "../parse/parsed-document.js";
import { defaultParseLimits, type ParseLimits } from "../parse/parse-limits.js";
import { structuralToJsonSchema, type StructuralSchema } from "./crd-structural.js";
import { crdGroupProblem } from "./kubernetes-validators.js";
import { linearRegExpOptions } from "./linear-regexp.js";
import { createRepoSchemaCompiler, newAjv, type CompiledSchema, type ReadFile } from "./repo-schemas.js";
import type { ValidateFunction } from "./schema-error.js";
import { isOpenApiBase64 } from "./kubernetes-base64.js";

/** The schema a custom resource is judged by, or why it cannot be. */
export interface CustomResourceSchema {
  /** How findings name it, e.g. "acme.example.com/v1 Widget, CRD widgets.acme.example.com in crds/widget.yaml". */
  name: string;
  validate?: ValidateFunction;
  /** Set when the schema cannot be used (does not compile, a pattern that needs backtracking, …). */
  problem?: string;
  /** A CRD's structural schema: unknown fields are found from it, as the API server prunes them. */
  structural?: StructuralSchema;
}

export type CustomResourceLookup =
  | { schema: CustomResourceSchema }
  /** The group and kind are defined, but not served at this version. */
  | { unserved: { crd: string; path: string; served: string[] } }
  /**
   * No schema at the base, but the change itself adds a CRD for it; `inSnapshot` when the "change" is
   * a snapshot (the CLI's validate), whose CRDs are the repository's own rather than added by anyone.
   */
  | { pendingIn: string; inSnapshot?: true };

/** A schema file named for one apiVersion and kind by the config (`schemas: - kind: … schema: …`). */
export interface KindSchema {
  apiVersion: string;
  kind: string;
  schema: string;
}

interface CrdVersion {
  crd: string;
  path: string;
  schema: unknown;
}

/** One CustomResourceDefinition document, where it was found. */
export interface CrdDocument {
  path: string;
  value: unknown;
}

/**
 * The schemas of custom resources, all read at the base commit: schema files mapped to a kind, the
 * served versions of the repository's CustomResourceDefinitions, and catalogs laid out
 * `{group}/{kind}_{version}.json` (lower-case kind, as kubeconform's CRDs-catalog). Looked up in that
 * order; CRD schemas are compiled on first use, catalog files read on first use, so a large catalog
 * or a file of many CRDs costs only the kinds a change holds.
 */
export class CustomResourceSchemas {
  private readonly compiled = new Map<string, Promise<CustomResourceSchema>>();

  private constructor(
    private readonly kinds: ReadonlyMap<string, string>,
    private readonly versions: ReadonlyMap<string, CrdVersion>,
    private readonly groupKinds: ReadonlyMap<string, { crd: string; path: string; served: string[] }>,
    private readonly catalogs: readonly string[],
    private readonly read: ReadFile,
    private readonly compileFile: (path: string) => Promise<CompiledSchema>,
    private readonly ajv: () => Promise<Ajv>,
    private readonly pending: ReadonlyMap<string, Extract<CustomResourceLookup, { pendingIn: string }>>,
  ) {}

  static create(read: ReadFile, options: { kinds?: readonly KindSchema[]; crds?: readonly CrdDocument[]; catalogs?: readonly string[] } = {}): CustomResourceSchemas {
    // Files are read once whether a catalog lookup asks for them or the compiler does.
    const texts = new Map<string, Promise<string | undefined>>();
    const once: ReadFile = (path) => {
      let text = texts.get(path);
      if (!text) texts.set(path, (text = read(path)));
      return text;
    };
    // The same ajv setup as repository schemas: untrusted patterns on the linear-time engine. Made when
    // a CRD's schema is first compiled, so a repository without CRDs does not load the compiler.
    let instance: Promise<Ajv> | undefined;
    // `byte` as the API server checks a custom resource's (isOpenApiBase64), not as ajv-formats does.
    const ajv = () => (instance ??= newAjv("07", { allErrors: true, strict: false, logger: false, validateSchema: true, ...linearRegExpOptions })
      .then((made) => made.addFormat("byte", { type: "string", validate: isOpenApiBase64 })));
    const registry = new CustomResourceSchemas(
      new Map((options.kinds ?? []).map((k) => [`${k.apiVersion} ${k.kind}`, k.schema])), new Map(), new Map(),
      (options.catalogs ?? []).map((c) => c.replace(/\/*$/, "")), once, createRepoSchemaCompiler(once), ajv, new Map(),
    );
    return registry.withCrds(options.crds ?? []);
  }

  /**
   * This registry plus more CRDs (the base versions of a change's files); the ones it has win. The
   * kinds of `pending` CRDs (the head's) are named as such (see CustomResourceLookup).
   */
  withCrds(crds: readonly CrdDocument[], pending: readonly CrdDocument[] = [], inSnapshot = false): CustomResourceSchemas {
    const versions = new Map(this.versions);
    const groupKinds = new Map(this.groupKinds);
    for (const doc of crds) addCrd(doc, versions, groupKinds);
    const pendingKinds = new Map(this.pending);
    for (const doc of pending) {
      const found = new Map<string, CrdVersion>();
      addCrd(doc, found, new Map());
      for (const key of found.keys()) if (!versions.has(key) && !pendingKinds.has(key)) pendingKinds.set(key, inSnapshot ? { pendingIn: doc.path, inSnapshot } : { pendingIn: doc.path });
    }
    return new CustomResourceSchemas(this.kinds, versions, groupKinds, this.catalogs, this.read, this.compileFile, this.ajv, pendingKinds);
  }

  async lookup(apiVersion: string, kind: string, builtIn: boolean): Promise<CustomResourceLookup | undefined> {
    const named = this.kinds.get(`${apiVersion} ${kind}`);
    if (named !== undefined) return { schema: await this.fromFile(`${apiVersion} ${kind}`, named, `${apiVersion} ${kind}, ${named}`) };
    const key = `${apiVersion}/${kind}`;
    const version = this.versions.get(key);
    if (version) return { schema: await this.fromCrd(key, version, `${apiVersion} ${kind}, CRD ${version.crd} in ${version.path}`) };
    const slash = apiVersion.indexOf("/");
    const group = slash > 0 ? apiVersion.slice(0, slash) : "";
    const defined = this.groupKinds.get(`${group}/${kind}`);
    if (defined) return { unserved: defined };
    // A kind Gitgate has a built-in schema for is judged by it unless the repository defines it itself.
    if (builtIn) return undefined;
    if (group !== "" && isPathSegment(group) && isPathSegment(kind)) {
      for (const catalog of this.catalogs) {
        const path = `${catalog}/${group}/${kind.toLowerCase()}_${apiVersion.slice(slash + 1)}.json`;
        if ((await this.read(path)) !== undefined) return { schema: await this.fromFile(path, path, `${apiVersion} ${kind}, ${path}`) };
      }
    }
    const pending = this.pending.get(key);
    return pending ? { ...pending } : undefined;
  }

  private fromFile(key: string, path: string, name: string): Promise<CustomResourceSchema> {
    return this.memo(`file:${key}`, async () => {
      const compiled = await this.compileFile(path);
      return compiled.ok ? { name, validate: compiled.validate } : { name, problem: compiled.problem };
    });
  }

  private fromCrd(key: string, version: CrdVersion, name: string): Promise<CustomResourceSchema> {
    return this.memo(`crd:${key}:${version.path}`, async () => {
      if (version.schema === null || typeof version.schema !== "object" || Array.isArray(version.schema)) {
        return { name, problem: "this version has no schema.openAPIV3Schema" };
      }
      try {
        const validate = (await this.ajv()).compile(structuralToJsonSchema(version.schema)) as ValidateFunction;
        return { name, validate, structural: version.schema as StructuralSchema };
      } catch (error) {
        return { name, problem: (error as Error).message };
      }
    });
  }

  private memo(key: string, make: () => Promise<CustomResourceSchema>): Promise<CustomResourceSchema> {
    let result = this.compiled.get(key);
    if (!result) this.compiled.set(key, (result = make()));
    return result;
  }
}

/** A group or kind that can name a catalog file: no separators, no `..`, nothing a path would reinterpret. */
function isPathSegment(value: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(value) && !value.includes("..");
}

function addCrd(doc: CrdDocument, versions: Map<string, CrdVersion>, groupKinds: Map<string, { crd: string; path: string; served: string[] }>): void {
  const value = doc.value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown }; spec?: { group?: unknown; names?: { kind?: unknown }; versions?: unknown } } | null;
  if (!isCrd(value)) return;
  const group = value!.spec?.group;
  const kind = value!.spec?.names?.kind;
  if (typeof group !== "string" || typeof kind !== "string" || !Array.isArray(value!.spec?.versions)) return;
  // The CRD itself is reported (validate-document.ts); its kinds keep their built-in schema.
  if (crdGroupProblem(group) !== undefined) return;
  const crd = typeof value!.metadata?.name === "string" ? value!.metadata.name : `${kind} in ${group}`;
  if (groupKinds.has(`${group}/${kind}`)) return;
  const served: string[] = [];
  for (const version of value!.spec.versions as unknown[]) {
    const v = version as { name?: unknown; served?: unknown; schema?: { openAPIV3Schema?: unknown } } | null;
    if (typeof v?.name !== "string" || v.served === false) continue;
    served.push(v.name);
    versions.set(`${group}/${v.name}/${kind}`, { crd, path: doc.path, schema: v.schema?.openAPIV3Schema });
  }
  groupKinds.set(`${group}/${kind}`, { crd, path: doc.path, served });
}

function isCrd(value: unknown): boolean {
  const v = value as { apiVersion?: unknown; kind?: unknown } | null;
  return v !== null && typeof v === "object" && v.apiVersion === "apiextensions.k8s.io/v1" && v.kind === "CustomResourceDefinition";
}

/**
 * A CRD reduced to what tells that its kinds are pending (see addCrd): its name, group, kind and the
 * versions it serves. Copied: a value read from a file can be a slice that keeps the whole file's text
 * alive, and a repository's CRD files are large.
 */
export function crdNames(doc: CrdDocument): CrdDocument {
  const value = doc.value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown }; spec?: { group?: unknown; names?: { kind?: unknown }; versions?: unknown } };
  const versions = Array.isArray(value.spec?.versions)
    ? (value.spec.versions as unknown[]).map((v) => (v !== null && typeof v === "object" ? { name: (v as { name?: unknown }).name, served: (v as { served?: unknown }).served } : v))
    : value.spec?.versions;
  return structuredClone({
    path: doc.path,
    value: {
      apiVersion: value.apiVersion,
      kind: value.kind,
      metadata: { name: value.metadata?.name },
      spec: { group: value.spec?.group, names: { kind: value.spec?.names?.kind }, versions },
    },
  });
}

/**
 * The CustomResourceDefinitions in one file's text (whole documents and v1 List items), read as the
 * API server gets them from kubectl (YAML 1.1, as every manifest). A file that does not parse holds
 * none: its own findings say why where it is governed.
 */
export function crdsInText(path: string, text: string, limits: ParseLimits = defaultParseLimits): CrdDocument[] {
  if (!mayHoldCrds(text)) return [];
  return crdsInParsed(parseFile(path, { kind: "text", text, size: Buffer.byteLength(text) }, limits, "auto"));
}

/** Whether a file's text can hold a CRD at all: most do not, and are not parsed to find out. */
export function mayHoldCrds(text: string): boolean {
  return text.includes("CustomResourceDefinition");
}

/** The CustomResourceDefinitions among a parsed file's documents (see crdsInText). */
export function crdsInParsed(parsed: ParsedFile): CrdDocument[] {
  const { path } = parsed;
  const found: CrdDocument[] = [];
  for (const doc of parsed.documents) {
    if (!doc.valid) continue;
    const value = doc.value as { apiVersion?: unknown; kind?: unknown; items?: unknown } | null;
    const items = value?.apiVersion === "v1" && value.kind === "List" && Array.isArray(value.items) ? value.items : [value];
    for (const item of items) if (isCrd(item)) found.push({ path, value: item });
  }
  return found;
}
