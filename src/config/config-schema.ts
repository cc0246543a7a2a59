import { Ajv } from "ajv";
import { readFileSync } from "node:fs";
import type { ValidateFunction } from "../engine/schema/schema-error.js";

/** The published schema of `.github/gitgate.yml` (schemas/gitgate-config.schema.json) is the contract. */
export const configSchema: unknown = JSON.parse(
  readFileSync(new URL("../../schemas/gitgate-config.schema.json", import.meta.url), "utf8"),
);

let validator: ValidateFunction | undefined;

export function validateConfigShape(value: unknown): ValidateFunction["errors"] {
  validator ??= new Ajv({ allErrors: true, strict: true, useDefaults: false }).compile(configSchema as object);
  validator(value);
  return validator.errors ?? [];
}
