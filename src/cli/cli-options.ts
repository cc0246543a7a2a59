import { parseArgs } from "node:util";

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
}

export class UsageError extends Error {
  override name = "UsageError";
}

const formats: readonly Format[] = ["text", "json", "markdown", "sarif"];

/** Parses the command line; every mistake is a UsageError with a sentence saying what is wrong. */
export function parseCliOptions(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        repo: { type: "string" },
        base: { type: "string" },
        head: { type: "string" },
        config: { type: "string" },
        format: { type: "string", short: "f" },
        output: { type: "string", short: "o" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...paths] = positionals;
  const format = (values.format ?? "text") as Format;
  if (!formats.includes(format)) throw new UsageError(`unknown format "${values.format}": use ${formats.join(", ")}`);
  const base = {
    repo: values.repo ?? ".",
    head: values.head ?? "HEAD",
    format,
    paths,
    ...(values.base !== undefined ? { base: values.base } : {}),
    ...(values.config !== undefined ? { config: values.config } : {}),
    ...(values.output !== undefined ? { output: values.output } : {}),
  };
  if (values.help) return { ...base, command: "help" };
  if (values.version) return { ...base, command: "version" };
  if (command === undefined) throw new UsageError("no command given");
  if (command !== "check" && command !== "validate") throw new UsageError(`unknown command "${command}"`);
  if (command === "check" && paths.length > 0) throw new UsageError(`check takes no paths (got "${paths[0]}"): use validate`);
  if (command === "validate" && (values.base !== undefined || values.head !== undefined)) {
    throw new UsageError("validate checks the working tree: --base and --head belong to check");
  }
  return { ...base, command };
}
