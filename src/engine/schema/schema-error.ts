import type { ErrorObject } from "ajv";
import { joinPointer, pointerSegments, type Target } from "../parse/locate.js";

/** The part of an ajv error Gitgate reads; compiled kubernetes-models validators produce the same. */
export type SchemaError = Pick<ErrorObject, "instancePath" | "keyword" | "params"> & { message?: string };

export type ValidateFunction = ((data: unknown) => boolean) & { errors?: SchemaError[] | null };

export interface DescribedError {
  /** Where the error belongs: for a missing or unknown property, its parent or its key. */
  pointer: string;
  target: Target;
  keyword: string;
  message: string;
}

/**
 * Turns one schema error into a sentence a person understands. Messages never quote the
 * offending value: it may be a secret, and check output is public to everyone who reads the repo.
 */
export function describeSchemaError(error: SchemaError): DescribedError {
  const at = error.instancePath;
  const field = fieldName(at);
  const p = error.params as Record<string, unknown>;
  const base = { pointer: at, target: "value" as Target, keyword: error.keyword };
  switch (error.keyword) {
    case "required":
      return { ...base, message: `${field ? field + ": " : ""}missing required property "${String(p.missingProperty)}"` };
    case "additionalProperties": {
      const name = String(p.additionalProperty);
      return {
        ...base,
        pointer: joinPointer([...pointerSegments(at), name]),
        target: "key",
        message: `${fieldName(joinPointer([...pointerSegments(at), name]))}: unknown property (not allowed by the schema)`,
      };
    }
    case "type":
      return { ...base, message: `${field || "document"} must be ${article(String(p.type))}` };
    case "enum":
      return { ...base, message: `${field || "document"} must be one of: ${listValues(p.allowedValues)}` };
    case "const":
      return { ...base, message: `${field || "document"} must be ${JSON.stringify(p.allowedValue)}` };
    case "pattern":
      return { ...base, message: `${field} must match the pattern ${String(p.pattern)}` };
    case "format":
      return { ...base, message: `${field} must be a valid ${String(p.format)}` };
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return { ...base, message: `${field} must be ${String(p.comparison)} ${String(p.limit)}` };
    case "minLength":
      return { ...base, message: `${field} must be at least ${String(p.limit)} characters long` };
    case "maxLength":
      return { ...base, message: `${field} must be at most ${String(p.limit)} characters long` };
    case "minItems":
      return { ...base, message: `${field || "document"} must have at least ${String(p.limit)} items` };
    case "maxItems":
      return { ...base, message: `${field || "document"} must have at most ${String(p.limit)} items` };
    case "minProperties":
    case "maxProperties":
      return { ...base, message: `${field || "document"} must have ${error.keyword === "minProperties" ? "at least" : "at most"} ${String(p.limit)} properties` };
    case "uniqueItems":
      return { ...base, message: `${field} must not contain duplicates (items ${String(p.j)} and ${String(p.i)} are equal)` };
    case "oneOf":
    case "anyOf":
      return { ...base, message: `${field || "document"} does not match any of the allowed forms` };
    case "not":
      return { ...base, message: `${field || "document"} has a form the schema forbids` };
    case "dependencies":
    case "dependentRequired":
      return { ...base, message: `${field || "document"}: "${String(p.property)}" also requires "${String(p.missingProperty)}"` };
    case "propertyNames":
      return { ...base, pointer: joinPointer([...pointerSegments(at), String(p.propertyName)]), target: "key", message: `${field || "document"}: property name "${String(p.propertyName)}" is not allowed` };
    case "false schema":
      return { ...base, message: `${field || "document"} is not allowed here` };
    default:
      return { ...base, message: `${field || "document"} fails the schema's "${error.keyword}" rule` };
  }
}

/** `/spec/containers/0/image` → `spec.containers[0].image`, the way people write paths in YAML. */
export function fieldName(pointer: string): string {
  return pointerSegments(pointer).reduce(
    (name, segment) =>
      /^\d+$/.test(segment) ? `${name}[${segment}]` : /^[\w-]+$/.test(segment) ? (name ? `${name}.${segment}` : segment) : `${name}[${JSON.stringify(segment)}]`,
    "",
  );
}

function article(type: string): string {
  const names = type.split(",").map((t) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`));
  return names.length > 1 ? names.slice(0, -1).join(", ") + " or " + names.at(-1) : names[0]!;
}

function listValues(values: unknown): string {
  const all = Array.isArray(values) ? values : [];
  const shown = all.slice(0, 12).map((v) => JSON.stringify(v));
  return shown.join(", ") + (all.length > shown.length ? `, … (${all.length - shown.length} more)` : "");
}

/**
 * ajv reports every failed branch of oneOf/anyOf as well as the combinator itself. A person needs the
 * combinator; the branch errors at the same place are noise. Duplicates are dropped too.
 */
export function simplifyErrors(errors: readonly SchemaError[]): SchemaError[] {
  const combinators = errors
    .filter((e) => e.keyword === "oneOf" || e.keyword === "anyOf")
    .map((e) => e.instancePath);
  const seen = new Set<string>();
  return errors.filter((e) => {
    const insideCombinator =
      e.keyword !== "oneOf" && e.keyword !== "anyOf" &&
      combinators.some((at) => e.instancePath === at || e.instancePath.startsWith(at + "/"));
    if (insideCombinator) return false;
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
