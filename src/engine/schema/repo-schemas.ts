import type { Ajv, AnySchemaObject, FuncKeywordDefinition, Options, SchemaValidateFunction } from "ajv";
import { posix } from "node:path";
import { parse as parseYaml } from "yaml";
import { linearRegExpOptions } from "./linear-regexp.js";
import type { ValidateFunction } from "./schema-error.js";

/** Reads a file of the repository at the base commit; undefined when it does not exist. */
export type ReadFile = (path: string) => Promise<string | undefined>;

export type CompiledSchema = { ok: true; validate: ValidateFunction } | { ok: false; problem: string };

export type Draft = "07" | "2019-09" | "2020-12";

const repoUri = "file:///";

/**
 * Compiles the JSON Schemas a repository keeps, with `$ref` between its files resolved at the same
 * commit. One ajv instance per draft is shared, so a schema referenced by several is compiled once.
 */
export function createRepoSchemaCompiler(read: ReadFile): (path: string) => Promise<CompiledSchema> {
  const instances = new Map<Draft, Promise<Ajv>>();
  const compiled = new Map<string, Promise<CompiledSchema>>();

  const loadSchema = async (uri: string): Promise<AnySchemaObject> => {
    const path = repoPathOf(uri);
    if (!path) throw new Error(`$ref "${uri}" points outside the repository`);
    const schema = await readSchema(read, path);
    return { ...schema, $id: repoUri + path };
  };

  const instanceFor = (draft: Draft): Promise<Ajv> => {
    let ajv = instances.get(draft);
    if (!ajv) {
      // Patterns run on a linear-time engine: a repository schema must not be able to stall the check.
      ajv = newAjv(draft, { allErrors: true, strict: false, loadSchema, validateSchema: true, ...linearRegExpOptions });
      instances.set(draft, ajv);
    }
    return ajv;
  };

  return (path) => {
    const normalized = posix.normalize(path).replace(/^\.?\/+/, "");
    let result = compiled.get(normalized);
    if (!result) {
      result = (async (): Promise<CompiledSchema> => {
        try {
          const schema = await readSchema(read, normalized);
          const draft = draftOf(schema);
          // The file's own path is its identity, so relative $refs resolve to files of this commit.
          const validate = await (await instanceFor(draft)).compileAsync({ ...schema, $id: repoUri + normalized });
          return { ok: true, validate: validate as ValidateFunction };
        } catch (error) {
          return { ok: false, problem: (error as Error).message };
        }
      })();
      compiled.set(normalized, result);
    }
    return result;
  };
}

/**
 * An ajv instance for one draft, with the formats. The compiler is loaded when a repository has schemas
 * of its own to compile: a validate that uses only Gitgate's built-in schemas never loads it.
 */
export async function newAjv(draft: Draft, options: Options): Promise<Ajv> {
  const [{ Ajv: Ajv07 }, { Ajv2019 }, { Ajv2020 }, formats] = await Promise.all([import("ajv"), import("ajv/dist/2019.js"), import("ajv/dist/2020.js"), import("ajv-formats")]);
  // ajv-formats is CommonJS; its default export arrives wrapped depending on the loader.
  const addFormats = ((formats.default as unknown as { default?: unknown }).default ?? formats.default) as (ajv: Ajv) => Ajv;
  const ajv = addFormats(draft === "2020-12" ? new Ajv2020(options) : draft === "2019-09" ? new Ajv2019(options) : new Ajv07(options));
  // ajv compares every item with every earlier one unless the schema types them as scalars: 60,000
  // objects in one array held the judge for a minute. The same check, in one pass over the items.
  return ajv.removeKeyword("uniqueItems").addKeyword(linearUniqueItems);
}

/** `uniqueItems` as JSON Schema means it (items equal as JSON values), linear in the size of the array. */
const unique: SchemaValidateFunction = (schema: boolean, data: unknown[]): boolean => {
  if (!schema) return true;
  const seen = new Map<string, number>();
  for (let i = 0; i < data.length; i++) {
    const key = canonicalJson(data[i]);
    const j = seen.get(key);
    if (j !== undefined) {
      // ajv's own parameters: i the later item, j the earlier one.
      unique.errors = [{ keyword: "uniqueItems", message: `must NOT have duplicate items (items ## ${j} and ${i} are identical)`, params: { i, j } }];
      return false;
    }
    seen.set(key, i);
  }
  return true;
};
const linearUniqueItems: FuncKeywordDefinition = { keyword: "uniqueItems", type: "array", schemaType: "boolean", errors: true, validate: unique };

/** A JSON value as text with its object keys sorted: two values are equal exactly when their texts are. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

async function readSchema(read: ReadFile, path: string): Promise<AnySchemaObject> {
  const text = await read(path);
  if (text === undefined) throw new Error(`schema file ${path} does not exist at the base commit`);
  let schema: unknown;
  try {
    schema = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new Error(`schema file ${path} is not valid ${/\.ya?ml$/i.test(path) ? "YAML" : "JSON"}: ${(error as Error).message}`);
  }
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) {
    throw new Error(`schema file ${path} must hold a JSON Schema object`);
  }
  return schema as AnySchemaObject;
}

function draftOf(schema: AnySchemaObject): Draft {
  const declared = typeof schema.$schema === "string" ? schema.$schema : "";
  if (declared.includes("2020-12")) return "2020-12";
  if (declared.includes("2019-09")) return "2019-09";
  if (declared === "" || declared.includes("draft-07")) return "07";
  throw new Error(`unsupported $schema "${declared}": use draft-07, 2019-09 or 2020-12`);
}

function repoPathOf(uri: string): string | undefined {
  if (!uri.startsWith(repoUri)) return undefined;
  const path = posix.normalize(decodeURIComponent(uri.slice(repoUri.length)).replace(/#.*$/, ""));
  return path.startsWith("..") ? undefined : path;
}
