import { joinPointer } from "../parse/locate.js";
import type { UnknownField } from "./unknown-fields.js";

/** A node of a CRD's `openAPIV3Schema` (a structural schema): repository input, so nothing is assumed. */
export type StructuralSchema = Record<string, unknown>;

/**
 * Formats the API server checks that ajv-formats checks the same way. The API server checks more
 * (uri, cidr, mac, uuid3/4/5, duration, hexcolor, rgbcolor, isbn, creditcard, ssn, bsonobjectid),
 * with Go's own parsers: those are not checked here yet (docs/roadmap.md), rather than checked in a way
 * that could refuse what the API server accepts.
 */
const checkedFormats = new Set(["date", "date-time", "email", "hostname", "ipv4", "ipv6", "uuid", "byte"]);

/** OpenAPI keywords a CRD may use that mean the same in JSON Schema draft-07 and are copied as they are. */
const plainKeywords = [
  "type", "required", "enum", "maximum", "minimum", "maxLength", "minLength", "pattern",
  "maxItems", "minItems", "uniqueItems", "maxProperties", "minProperties", "multipleOf",
] as const;

const isObject = (value: unknown): value is StructuralSchema => value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * Turns a CRD's OpenAPI v3 schema into the draft-07 JSON Schema ajv runs, keyword by keyword from a
 * list, so nothing a repository writes (`$ref`, `$id`, unknown keywords) reaches the compiler:
 * `nullable` adds "null" to the type, `x-kubernetes-int-or-string` allows an integer or a string,
 * OpenAPI's boolean `exclusiveMinimum`/`exclusiveMaximum` become draft-07 numbers, formats the API
 * server does not check are dropped. Unknown fields are not closed here: `crdUnknownFields` finds them,
 * so they are reported like the built-in kinds' ones.
 */
export function structuralToJsonSchema(node: unknown): Record<string, unknown> {
  if (!isObject(node)) return {};
  const out: Record<string, unknown> = {};
  for (const keyword of plainKeywords) if (node[keyword] !== undefined) out[keyword] = node[keyword];
  if (typeof node.format === "string" && checkedFormats.has(node.format)) out.format = node.format;
  if (node["x-kubernetes-int-or-string"] === true) out.type = ["integer", "string"];
  for (const [bound, limit] of [["exclusiveMinimum", "minimum"], ["exclusiveMaximum", "maximum"]] as const) {
    if (node[bound] === true && typeof node[limit] === "number") {
      out[bound] = node[limit];
      delete out[limit];
    }
  }
  if (isObject(node.properties)) {
    out.properties = Object.fromEntries(Object.entries(node.properties).map(([key, child]) => [key, structuralToJsonSchema(child)]));
  }
  if (isObject(node.items)) out.items = structuralToJsonSchema(node.items);
  if (isObject(node.additionalProperties)) out.additionalProperties = structuralToJsonSchema(node.additionalProperties);
  else if (typeof node.additionalProperties === "boolean") out.additionalProperties = node.additionalProperties;
  for (const combiner of ["allOf", "anyOf", "oneOf"] as const) {
    if (Array.isArray(node[combiner])) out[combiner] = (node[combiner] as unknown[]).map(structuralToJsonSchema);
  }
  if (isObject(node.not)) out.not = structuralToJsonSchema(node.not);
  if (node.nullable === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    else if (Array.isArray(out.type)) out.type = [...(out.type as unknown[]), "null"];
    if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
  }
  return out;
}

/** Every object has these, declared or not: the API server handles them itself. */
const objectFields = ["apiVersion", "kind", "metadata"];

/** The fields of ObjectMeta (k8s.io/apimachinery meta/v1), what a resource's `metadata` may hold. */
const objectMetaFields = [
  "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
  "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
];

/**
 * The fields of a custom resource its structural schema does not declare: the ones the API server
 * prunes (or, with strict field validation, rejects). An object keeps unknown fields only under
 * `x-kubernetes-preserve-unknown-fields: true`; a map (`additionalProperties` with a schema) has no
 * unknown keys; the root and every `x-kubernetes-embedded-resource` also allow apiVersion, kind and
 * metadata. Iterative, so a deep document cannot exhaust the stack.
 */
export function crdUnknownFields(schema: StructuralSchema, value: unknown): UnknownField[] {
  const unknown: UnknownField[] = [];
  const stack: { schema: unknown; value: unknown; segments: (string | number)[]; resource: boolean }[] = [{ schema, value, segments: [], resource: true }];
  while (stack.length > 0) {
    const { schema: node, value: item, segments, resource } = stack.pop()!;
    if (!isObject(node) || item === null || typeof item !== "object") continue;
    if (Array.isArray(item)) {
      item.forEach((element, i) => stack.push({ schema: node.items, value: element, segments: [...segments, i], resource: node.items !== undefined && isObject(node.items) && node.items["x-kubernetes-embedded-resource"] === true }));
      continue;
    }
    const properties = isObject(node.properties) ? node.properties : {};
    const map = isObject(node.additionalProperties) ? node.additionalProperties : undefined;
    const open = node["x-kubernetes-preserve-unknown-fields"] === true || node.additionalProperties === true;
    const implicit = resource || node["x-kubernetes-embedded-resource"] === true;
    for (const [key, child] of Object.entries(item)) {
      // A resource's metadata is ObjectMeta whatever the CRD declares (controller-gen writes
      // `metadata: {type: object}`, with no fields): its fields are ObjectMeta's, checked as the API
      // server checks them under strict field validation.
      if (implicit && key === "metadata") {
        if (child !== null && typeof child === "object" && !Array.isArray(child)) {
          for (const field of Object.keys(child)) {
            if (!objectMetaFields.includes(field)) unknown.push({ pointer: joinPointer([...segments, key, field]), key: field, known: [...objectMetaFields].sort() });
          }
        }
        continue;
      }
      const declared = Object.hasOwn(properties, key) ? properties[key] : map;
      if (declared !== undefined) {
        stack.push({ schema: declared, value: child, segments: [...segments, key], resource: isObject(declared) && declared["x-kubernetes-embedded-resource"] === true });
      } else if (!open && !(implicit && objectFields.includes(key))) {
        unknown.push({ pointer: joinPointer([...segments, key]), key, known: [...Object.keys(properties), ...(implicit ? objectFields : [])].sort() });
      }
    }
  }
  return unknown.sort((a, b) => (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : 0));
}
