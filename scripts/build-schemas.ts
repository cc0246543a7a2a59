// Compiles Gitgate's published schemas (schemas/*.schema.json) to standalone JavaScript validators in
// dist/schemas/, each stamped with the digest of the schema text it was built from (see
// src/config/published-schemas.ts). Part of `npm run build`, before the CLI's bundle, whose threads have
// them built in (scripts/bundle-cli.ts).
import { Ajv } from "ajv";
import standalone from "ajv/dist/standalone/index.js";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { prebuiltValidatorFile, prebuiltValidatorsDir } from "../src/config/prebuilt-validators.js";
import { publishedSchemaOptions, publishedSchemasDir, schemaDigest } from "../src/config/published-schemas.js";

rmSync(prebuiltValidatorsDir, { recursive: true, force: true });
mkdirSync(prebuiltValidatorsDir, { recursive: true });
for (const file of readdirSync(publishedSchemasDir).filter((name) => name.endsWith(".schema.json"))) {
  const text = readFileSync(new URL(file, publishedSchemasDir), "utf8");
  const ajv = new Ajv({ ...publishedSchemaOptions, code: { source: true } });
  const code = standalone.default(ajv, ajv.compile(JSON.parse(text) as object));
  writeFileSync(new URL(prebuiltValidatorFile(file), prebuiltValidatorsDir), `${code}\nmodule.exports.schemaSha256 = ${JSON.stringify(schemaDigest(text))};\n`);
}
