import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { didYouMean } from "./did-you-mean.js";

export type Format = "text" | "json" | "markdown" | "sarif";

export interface CliOptions {
  command: "check" | "validate" | "help" | "version";
  repo: string;
  base?: string;
  head: string;
  config?: string;
  format: Format;
  output?: string;
  paths: string[];
  /** validate: the staged files (the index), not the working tree. */
  staged: boolean;
}

export class UsageError extends Error {
  override name = "UsageError";
}

const formats: readonly Format[] = ["text", "json", "markdown", "sarif"];
const commands = ["check", "validate", "help", "version"] as const;

const optionSpec = {
  repo: { type: "string" },
  base: { type: "string" },
  head: { type: "string" },
  config: { type: "string" },
  format: { type: "string", short: "f" },
  output: { type: "string", short: "o" },
  staged: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} satisfies ParseArgsOptionsConfig;

/** Parses the command line; every mistake is a UsageError with a sentence saying what is wrong. */
export function parseCliOptions(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: optionSpec,
    });
  } catch (error) {
    throw new UsageError(withSuggestion(error as Error & { code?: string }));
  }
  const { values, positionals } = parsed;
  const [command, ...paths] = positionals;
  const format = (values.format ?? "text") as Format;
  if (!formats.includes(format)) throw new UsageError(`unknown format "${values.format}": use ${formats.join(", ")}${hint(values.format ?? "", formats)}`);
  const base = {
    repo: values.repo ?? ".",
    head: values.head ?? "HEAD",
    format,
    paths,
    staged: values.staged ?? false,
    ...(values.base !== undefined ? { base: values.base } : {}),
    ...(values.config !== undefined ? { config: values.config } : {}),
    ...(values.output !== undefined ? { output: values.output } : {}),
  };
  if (values.help) return { ...base, command: "help" };
  if (values.version) return { ...base, command: "version" };
  if (command === undefined) throw new UsageError("no command given");
  if (command !== "check" && command !== "validate") throw new UsageError(`unknown command "${command}"${hint(command, commands)}`);
  if (command === "check" && values.staged) throw new UsageError("--staged belongs to validate: check judges commits");
  if (command === "check" && paths.length > 0) throw new UsageError(`check takes no paths (got "${paths[0]}"): use validate`);
  if (command === "validate" && (values.base !== undefined || values.head !== undefined)) {
    throw new UsageError("validate checks the working tree: --base and --head belong to check");
  }
  return { ...base, command };
}

/** parseArgs' own message, with the option the user probably meant when it rejected an unknown one. */
function withSuggestion(error: Error & { code?: string }): string {
  const unknown = error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? /'(--?[^'=]+)/.exec(error.message)?.[1] : undefined;
  if (unknown === undefined) return error.message;
  const names = Object.keys(optionSpec).map((name) => `--${name}`);
  const meant = didYouMean(unknown, names);
  return `unknown option "${unknown}"${meant ? `: did you mean "${meant}"?` : `: the options are ${names.join(", ")}`}`;
}

function hint(word: string, candidates: readonly string[]): string {
  const meant = didYouMean(word, candidates);
  return meant ? `: did you mean "${meant}"?` : "";
}
