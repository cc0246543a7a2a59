import type { DocumentOptions, ParseOptions, SchemaOptions } from "yaml";
import { kubectlYamlSchema } from "./kubectl-yaml-schema.js";
import type { YamlVersion } from "./yaml-hazards.js";

const baseOptions = {
  // The package's own duplicate check is quadratic in the keys of a map: findDuplicateKeys is linear.
  uniqueKeys: false,
  prettyErrors: false,
  strict: true,
  // Not on stderr: a key that is a map or a list is the document's problem, not the process's.
  logLevel: "error",
} as const;

/** How the `yaml` package reads a file, by the YAML it is read as (see parse-file.ts). */
export const yamlOptions: Record<YamlVersion, ParseOptions & DocumentOptions & SchemaOptions> = {
  "1.2": baseOptions,
  // Whatever `%YAML` directive a document carries: kubectl reads every manifest by the same rules.
  "1.1": { ...baseOptions, version: "1.1", schema: kubectlYamlSchema },
};
