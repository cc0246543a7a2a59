import type { ResolvedSchema } from "../config/load-control-plane.js";
import type { DraftFinding, Span } from "./finding.js";
import { judgingNow } from "./judging-now.js";
import { joinPointer, type Target } from "./parse/locate.js";
import type { ParsedDocument } from "./parse/parsed-document.js";
import { apiVersionVerdict } from "./schema/api-deprecations.js";
import { closestName } from "./schema/closest-name.js";
import type { CustomResourceLookup } from "./schema/crd-registry.js";
import { crdUnknownFields } from "./schema/crd-structural.js";
import { crdGroupProblem, hasKubernetesKind, kubernetesValidator, ownGroupKindMeant } from "./schema/kubernetes-validators.js";
import { describeSchemaError, fieldName, simplifyErrors, type SchemaError, type ValidateFunction } from "./schema/schema-error.js";
import { validateStrictly, type UnknownField } from "./schema/unknown-fields.js";

type KubernetesSchema = Extract<ResolvedSchema, { kind: "kubernetes" }>;

/**
 * How a document is judged: as a whole object, or as a patch (a Kustomize strategic-merge patch): a
 * partial object whose types and field names are checked but not its required fields, which the
 * object it patches provides; `$patch`-style directives are allowed as fields.
 */
export type ValidationMode = "object" | "patch";

/** Checks one document against every schema rule whose files match its path. */
export async function validateDocument(
  path: string,
  doc: ParsedDocument,
  schemas: readonly ResolvedSchema[],
  mode: ValidationMode = "object",
): Promise<DraftFinding[]> {
  const findings: DraftFinding[] = [];
  for (const schema of schemas) {
    if (!schema.matches(path)) continue;
    if (schema.kind === "repo") {
      if (schema.validate) findings.push(...check(wholeDocument(path, doc, mode), schema.validate, schema.path, []));
      // A schema that failed to compile is a config error that fails the check; the file says so too,
      // once, so nobody reads its silence as "valid".
      else if (doc.index === 0) findings.push(unusableSchema(path, doc, schema.path, schema.problemAt));
      continue;
    }
    findings.push(...(await checkKubernetes(wholeDocument(path, doc, mode), schema)));
    judgingNow(path);
  }
  return findings;
}

function unusableSchema(path: string, doc: ParsedDocument, schemaPath: string, configLine: number | undefined): DraftFinding {
  const where = configLine !== undefined ? ` (see the config, line ${configLine})` : "";
  return {
    severity: "error", rule: "schema/unusable", source: "schema", path, document: doc.index, pointer: "",
    line: doc.span.line, column: doc.span.column, endLine: doc.span.line, endColumn: doc.span.column,
    message: `Not validated against ${schemaPath}: that schema is broken at the base commit${where}.`,
  };
}

/** One Kubernetes object: a whole document, or one item of a `kind: List` (pointers under /items/N). */
interface ObjectAt {
  path: string;
  document: number;
  value: unknown;
  /** The object's pointer in its document. */
  base: string;
  locate(pointer: string, target?: Target): Span;
  mode: ValidationMode;
}

function wholeDocument(path: string, doc: ParsedDocument, mode: ValidationMode): ObjectAt {
  return { path, document: doc.index, value: doc.value, base: "", locate: (pointer, target) => doc.locate(pointer, target), mode };
}

/** Makes schema findings about `object`, at their place in its source. */
function reportAt(object: ObjectAt): Report {
  return (severity, rule, pointer, message, target) => ({
    severity, rule, message, path: object.path, document: object.document, pointer: object.base + pointer, source: "schema",
    ...object.locate(pointer, target),
  });
}

async function checkKubernetes(object: ObjectAt, schema: KubernetesSchema): Promise<DraftFinding[]> {
  const finding = reportAt(object);
  const value = object.value as { apiVersion?: unknown; kind?: unknown; items?: unknown } | null;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return [finding("error", "schema/not-an-object", "", "A Kubernetes manifest must be a map with apiVersion and kind.")];
  }
  const { apiVersion, kind } = value;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    // A patch with a `target:` in its kustomization may leave them out: then no schema can be picked.
    if (object.mode === "patch") return [finding("notice", "schema/unknown-kind", "", "Patch without apiVersion and kind: the schema of what it patches is unknown, not validated.")];
    const missing = typeof apiVersion !== "string" ? "apiVersion" : "kind";
    return [finding("error", "schema/required", "", `Not a Kubernetes object: missing required property "${missing}" (a string).`)];
  }
  // `kubectl apply` and kubeconform take a v1 List apart and judge each item on its own. Typed lists
  // (ConfigMapList) have schemas of their own that type their items, so they are validated whole.
  if (apiVersion === "v1" && kind === "List") {
    if (!Array.isArray(value.items)) {
      return value.items === undefined
        ? [finding("error", "schema/required", "", `A v1 List must have "items": the objects it holds.`)]
        : [finding("error", "schema/type", "/items", "items must be an array (Kubernetes v1 List)")];
    }
    const listFields = ["apiVersion", "items", "kind", "metadata"];
    const findings: DraftFinding[] = [];
    for (const key of Object.keys(value)) {
      if (schema.strict !== false && !listFields.includes(key)) findings.push(unknownField(finding, object.base, joinPointer([key]), key, listFields));
    }
    for (let i = 0; i < value.items.length; i++) findings.push(...(await checkKubernetes(itemOf(object, i), schema)));
    return findings;
  }
  const verdict = apiVersionVerdict(apiVersion, kind, schema.kubernetesVersion);
  const findings = verdict ? [finding(verdict.severity, verdict.rule, "/apiVersion", verdict.message)] : [];
  // The API server rejects a removed version outright: its old schema's opinion would only add noise.
  if (verdict?.removed) return findings;
  const builtIn = hasKubernetesKind(apiVersion, kind);
  const custom = await schema.customResources?.lookup(apiVersion, kind, builtIn);
  judgingNow(object.path);
  if (custom && !("pendingIn" in custom)) return [...findings, ...checkCustomResource(object, custom, schema.strict, finding)];
  if (!builtIn && !custom && Array.isArray(value.items)) {
    // kubectl reads any object with `items` as a list and applies the items, whatever the list's kind:
    // they are judged one by one, as in a v1 List. Unless its kind is a `…List`, kustomize (and so Argo
    // CD and Flux) applies the object itself, which no schema knows: that is said below too.
    for (let i = 0; i < value.items.length; i++) findings.push(...(await checkKubernetes(itemOf(object, i), schema)));
    judgingNow(object.path);
    if (kind.endsWith("List")) return findings;
  }
  const meant = !builtIn && !custom ? ownGroupKindMeant(apiVersion, kind) : undefined;
  if (meant !== undefined && !meant.endsWith(` ${kind}`)) {
    // The kind in another case, in one of Kubernetes' own groups (no CRD can add a kind there): the
    // API server serves no such thing. A kind at a version Gitgate's schemas lack may still be served
    // (a beta the cluster has), so that stays a notice below, with the version Gitgate knows.
    return [...findings, finding("error", "schema/unknown-kind", "/kind", `Kubernetes serves no ${apiVersion} ${kind}: did you mean ${meant}? (kubectl: no matches for kind)`)];
  }
  if (!builtIn) {
    // The base decides the rules: a CRD this change adds applies to the changes after it is merged. A
    // snapshot has no base: its CRDs apply once the config names them.
    const pending = !custom ? "" : custom.inSnapshot
      ? ` (its CustomResourceDefinition is in ${custom.pendingIn}: name that file or its folder under \`crds:\` in the config to validate against it)`
      : ` (its CustomResourceDefinition in ${custom.pendingIn} is added by this change and applies once merged)`;
    return [...findings, finding(
      schema.strict === true ? "error" : "notice",
      "schema/unknown-kind",
      "/kind",
      `No built-in schema for ${apiVersion} ${kind}${pending}${meant !== undefined ? ` (Gitgate knows ${meant})` : ""}: ${schema.strict === true ? "not allowed with strict" : "not validated"}.`,
    )];
  }
  const validate = await kubernetesValidator(apiVersion, kind)!;
  judgingNow(object.path);
  const schemaName = `Kubernetes ${apiVersion} ${kind}`;
  const group = apiVersion === "apiextensions.k8s.io/v1" && kind === "CustomResourceDefinition" ? (object.value as { spec?: { group?: unknown } }).spec?.group : undefined;
  const groupProblem = typeof group === "string" ? crdGroupProblem(group) : undefined;
  if (groupProblem) findings.push(finding("error", "schema/crd-group", "/spec/group", `The API server refuses this CRD: ${groupProblem}. Its kinds are judged by their built-in schemas, if any.`));
  if (schema.strict === false) return [...findings, ...check(object, validate, schemaName, [])];
  const strict = validateStrictly(validate, object.value);
  // Strategic-merge directives ($patch, $setElementOrder/…, $retainKeys) are fields of a patch, not of the object.
  const unknown = object.mode === "patch" ? strict.unknown.filter((field) => !field.key.startsWith("$")) : strict.unknown;
  return [...findings, ...describe(object, strict.errors, unknown, schemaName)];
}

type Report = (severity: DraftFinding["severity"], rule: string, pointer: string, message: string, target?: Target) => DraftFinding;

/** A custom resource, judged by its CRD's schema (unknown fields as the API server prunes them) or a schema file. */
function checkCustomResource(object: ObjectAt, custom: Exclude<CustomResourceLookup, { pendingIn: string }>, strict: boolean | undefined, finding: Report): DraftFinding[] {
  if ("unserved" in custom) {
    const { crd, path, served } = custom.unserved;
    return [finding("error", "schema/unserved-version", "/apiVersion",
      `CRD ${crd} (${path}) does not serve this version: it serves ${served.length > 0 ? served.join(", ") : "none"}.`)];
  }
  const { schema } = custom;
  if (!schema.validate) {
    return [finding("error", "schema/unusable", "/kind", `Not validated: the schema for ${schema.name} cannot be used: ${schema.problem ?? "unknown problem"}`)];
  }
  return check(object, schema.validate, schema.name, schema.structural && strict !== false ? crdUnknownFields(schema.structural, object.value) : []);
}

function itemOf(list: ObjectAt, i: number): ObjectAt {
  const suffix = joinPointer(["items", i]);
  return {
    ...list,
    value: (list.value as { items: unknown[] }).items[i],
    base: list.base + suffix,
    locate: (pointer, target) => list.locate(suffix + pointer, target),
  };
}

function unknownField(
  finding: (severity: "error", rule: string, pointer: string, message: string, target?: Target) => DraftFinding,
  base: string,
  pointer: string,
  key: string,
  known: readonly string[],
  schemaName?: string,
): DraftFinding {
  const meant = closestName(key, known);
  const hint = meant ? `: did you mean \`${meant}\`?` : "";
  const where = schemaName ? ` (${schemaName})` : "";
  return finding("error", "schema/unknown-field", pointer, `${fieldName(base + pointer)} is not a field the schema knows${hint}${where}`, "key");
}

function check(object: ObjectAt, validate: ValidateFunction, schemaName: string, unknown: readonly UnknownField[]): DraftFinding[] {
  let valid: boolean;
  try {
    valid = validate(object.value) as boolean;
  } catch (error) {
    // A schema that compiles can still fail as it runs (one that refers to itself without reading any
    // data loops until the stack is gone): the file is not validated, and says so; the rest of the
    // change is still judged.
    return [reportAt(object)("error", "schema/unusable", "", `Not validated: the schema ${schemaName} cannot be used: validating with it failed (${(error as Error).message}); a schema that refers to itself without reading any data does this`)];
  }
  return describe(object, valid ? [] : validate.errors ?? [], unknown, schemaName);
}

/**
 * Schema findings listed for one object at most. Each is located in the source by walking its pointer,
 * through maps entry by entry, so a map of 40,000 misspelt keys took minutes to report; and nobody reads
 * past the first hundred. The rest are counted in one finding.
 */
const maxFindingsPerObject = 100;

/** An object's schema errors and unknown fields as findings, at most maxFindingsPerObject of them. */
function describe(object: ObjectAt, errors: readonly SchemaError[], unknown: readonly UnknownField[], schemaName: string): DraftFinding[] {
  // A patch is partial: what it leaves out comes from the object it patches.
  const judged = simplifyErrors(object.mode === "patch" ? errors.filter((error) => error.keyword !== "required") : errors);
  const finding = reportAt(object);
  const shownErrors = judged.slice(0, maxFindingsPerObject);
  const shownUnknown = unknown.slice(0, maxFindingsPerObject - shownErrors.length);
  const findings = [
    ...shownErrors.map((error) => {
      // Described from the document's root, so an item of a list is named as one (`items[1].data.x`).
      const described = describeSchemaError({ ...error, instancePath: object.base + error.instancePath });
      const pointer = described.pointer.startsWith(object.base) ? described.pointer.slice(object.base.length) : error.instancePath;
      return finding("error", `schema/${described.keyword}`, pointer, `${described.message} (${schemaName})`, described.target);
    }),
    ...shownUnknown.map((field) => unknownField(finding, object.base, field.pointer, field.key, field.known, schemaName)),
  ];
  const unlisted = judged.length + unknown.length - findings.length;
  if (unlisted > 0) {
    findings.push(finding("error", "schema/unlisted", "", `${unlisted} more schema error${unlisted === 1 ? "" : "s"} in this object, not listed: the first ${maxFindingsPerObject} are (${schemaName}).`));
  }
  return findings;
}
