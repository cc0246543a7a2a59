import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Ajv as AjvCompiler, Options } from "ajv";
import type { ValidateFunction } from "../engine/schema/schema-error.js";
import { loadPrebuiltValidator } from "./prebuilt-validators.js";

const require = createRequire(import.meta.url);

/** Gitgate's own schemas (schemas/*.schema.json): the config and exceptions files are checked against them. */
export const publishedSchemasDir = new URL("../../schemas/", import.meta.url);

/** How both the build and the fallback compile them: every error, and nothing the schema leaves vague. */
export const publishedSchemaOptions: Options = { allErrors: true, strict: true, strictRequired: false };

export const schemaDigest = (text: string) => createHash("sha256").update(text).digest("hex");

/** Validates against one of the published schemas, which is loaded on first use. */
export function publishedSchema(file: string): (value: unknown) => ValidateFunction["errors"] {
  let validator: ValidateFunction | undefined;
  return (value) => {
    validator ??= loadValidator(file);
    validator(value);
    return validator.errors ?? [];
  };
}

/**
 * The validator compiled when Gitgate was built (`npm run build:schemas`, see prebuilt-validators.ts),
 * so that a command that reads a config does not load and run the schema compiler first (compiling the
 * config's schema, and the meta-schema it is checked against, was a good part of a one-file validate),
 * when it was built from this very schema text; otherwise (a clone before `npm run build`, or a schema
 * edited since) the schema compiled now, never a stale validator.
 */
function loadValidator(file: string): ValidateFunction {
  const text = readFileSync(new URL(file, publishedSchemasDir), "utf8");
  try {
    const prebuilt = loadPrebuiltValidator(file) as ValidateFunction & { schemaSha256?: string };
    if (prebuilt.schemaSha256 === schemaDigest(text)) return prebuilt;
  } catch {
    // Not built: compiled below.
  }
  const { Ajv } = require("ajv") as { Ajv: typeof AjvCompiler };
  return new Ajv(publishedSchemaOptions).compile(JSON.parse(text) as object) as ValidateFunction;
}
