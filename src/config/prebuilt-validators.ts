import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

// Where `npm run build:schemas` puts the validators it compiles from Gitgate's published schemas. The CLI
// bundle's threads do not load them from here: scripts/bundle-cli.ts replaces this module with one that
// has them built in, so that their code is in the threads' code cache like the rest of the engine.

const require = createRequire(import.meta.url);

/**
 * The package root's dist/schemas/, from src/config, dist/config and the CLI's bundle alike (each two
 * folders below the root).
 */
export const prebuiltValidatorsDir = new URL("../../dist/schemas/", import.meta.url);

export const prebuiltValidatorFile = (schemaFile: string) => schemaFile.replace(/\.schema\.json$/, ".validate.cjs");

/** The module built from this schema (`schemas/<schemaFile>`); throws when there is none. */
export function loadPrebuiltValidator(schemaFile: string): unknown {
  return require(fileURLToPath(new URL(prebuiltValidatorFile(schemaFile), prebuiltValidatorsDir)));
}
