import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { didYouMean } from "./did-you-mean.js";

export type Format = "text" | "json" | "markdown" | "sarif";

export interface CliOptions {
  command: "check" | "validate" | "approvals" | "guard" | "evidence" | "help" | "version";
  repo: string;
  base?: string;
  head: string;
  config?: string;
  format: Format;
  output?: string;
  paths: string[];
  /** validate: the staged files (the index), not the working tree. */
  staged: boolean;
  /** `approvals`: the pull request number. */
  pr?: number;
  /** `approvals`, `guard`, `evidence`: the GitHub App whose check runs are trusted. */
  appId?: number;
  /** `guard`, `evidence`: the branch to verify (default: the repository's default branch). */
  branch?: string;
  /** `guard`, `evidence`: verify commits from this date on (ISO 8601). */
  since?: string;
  /** `guard`, `evidence`: verify commits up to this date (ISO 8601; default: now). */
  until?: string;
  /** `--color` / `--no-color`; undefined: colour on a terminal unless NO_COLOR is set. */
  color?: boolean;
}

export class UsageError extends Error {
  override name = "UsageError";
}

const formats: readonly Format[] = ["text", "json", "markdown", "sarif"];
const commands = ["check", "validate", "approvals", "guard", "evidence", "help", "version"] as const;
/** `approvals` prints a verdict, not findings: markdown and SARIF have nothing to say about it. */
const approvalFormats: readonly Format[] = ["text", "json"];
/** `evidence` is a record for auditors: a Markdown document (the default) or JSON for their tools. */
const evidenceFormats: readonly Format[] = ["markdown", "json"];

const optionSpec = {
  repo: { type: "string" },
  base: { type: "string" },
  head: { type: "string" },
  config: { type: "string" },
  format: { type: "string", short: "f" },
  output: { type: "string", short: "o" },
  staged: { type: "boolean" },
  pr: { type: "string" },
  "app-id": { type: "string" },
  branch: { type: "string" },
  since: { type: "string" },
  until: { type: "string" },
  color: { type: "boolean" },
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
      // --no-color as well as --color.
      allowNegative: true,
      strict: true,
      options: optionSpec,
    });
  } catch (error) {
    throw new UsageError(withSuggestion(error as Error & { code?: string }));
  }
  const { values, positionals } = parsed;
  const [command, ...paths] = positionals;
  const format = (values.format ?? (command === "evidence" ? "markdown" : "text")) as Format;
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
    ...(values.color !== undefined ? { color: values.color } : {}),
  };
  if (values.help) return { ...base, command: "help" };
  if (values.version) return { ...base, command: "version" };
  if (command === undefined) throw new UsageError("no command given");
  if (command === "approvals" && values.staged) throw new UsageError("--staged belongs to validate: approvals reads the pull request on GitHub");
  if (command === "guard" || command === "evidence") return { ...base, ...historyOptions(command, values, paths, format), command };
  if (values.branch !== undefined || values.since !== undefined || values.until !== undefined) throw new UsageError("--branch, --since and --until belong to guard and evidence");
  if (command === "approvals") return { ...base, ...approvalsOptions(values, paths, format), command };
  if (values.pr !== undefined || values["app-id"] !== undefined) throw new UsageError("--pr and --app-id belong to approvals, guard and evidence");
  if (command !== "check" && command !== "validate") throw new UsageError(`unknown command "${command}"${hint(command, commands)}`);
  if (command === "check" && values.staged) throw new UsageError("--staged belongs to validate: check judges commits");
  if (command === "check" && paths.length > 0) throw new UsageError(`check takes no paths (got "${paths[0]}"): use validate`);
  if (command === "validate" && (values.base !== undefined || values.head !== undefined)) {
    throw new UsageError("validate checks the working tree: --base and --head belong to check");
  }
  return { ...base, command };
}

/** `approvals --repo owner/name --pr N`: a pull request on GitHub, not a local repository. */
function approvalsOptions(values: { repo?: string; pr?: string; "app-id"?: string; base?: string; head?: string; config?: string; output?: string }, paths: readonly string[], format: Format) {
  if (paths.length > 0) throw new UsageError(`approvals takes no paths (got "${paths[0]}")`);
  if (values.base !== undefined || values.head !== undefined || values.config !== undefined || values.output !== undefined) {
    throw new UsageError("approvals reads the pull request on GitHub: --base, --head, --config and --output belong to check");
  }
  if (!approvalFormats.includes(format)) throw new UsageError(`approvals prints text or json, not ${format}`);
  repoOnGitHub("approvals", values.repo);
  const pr = positiveInteger("--pr", values.pr);
  if (pr === undefined) throw new UsageError("approvals needs --pr NUMBER");
  const appId = positiveInteger("--app-id", values["app-id"]);
  return { pr, ...(appId !== undefined ? { appId } : {}) };
}

/** `guard`/`evidence --repo owner/name [--branch B] [--since DATE] [--until DATE]`: a branch's history on GitHub. */
function historyOptions(command: "guard" | "evidence", values: { repo?: string; pr?: string; "app-id"?: string; branch?: string; since?: string; until?: string; base?: string; head?: string; config?: string; output?: string; staged?: boolean }, paths: readonly string[], format: Format) {
  if (paths.length > 0) throw new UsageError(`${command} takes no paths (got "${paths[0]}")`);
  if (values.base !== undefined || values.head !== undefined || values.config !== undefined || values.output !== undefined || values.staged || values.pr !== undefined) {
    throw new UsageError(`${command} reads a branch's history on GitHub: --base, --head, --config, --output, --staged and --pr belong to other commands`);
  }
  const allowed = command === "guard" ? approvalFormats : evidenceFormats;
  if (!allowed.includes(format)) throw new UsageError(`${command} prints ${allowed.join(" or ")}, not ${format}`);
  repoOnGitHub(command, values.repo);
  const since = dateOption("--since", values.since);
  const until = dateOption("--until", values.until);
  if (since !== undefined && until !== undefined && until <= since) throw new UsageError(`--until (${values.until}) is not after --since (${values.since})`);
  const appId = positiveInteger("--app-id", values["app-id"]);
  return {
    ...(values.branch !== undefined ? { branch: values.branch } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
    ...(appId !== undefined ? { appId } : {}),
  };
}

/**
 * A date option as an ISO time, UTC unless it names its offset. A date alone is its first moment for
 * --since; for --until it is the next day's first moment, since GitHub lists the commits before
 * `until`: the whole day is in.
 */
function dateOption(name: "--since" | "--until", value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const match = /^\d{4}-\d{2}-\d{2}(?:[T ]([0-9:.]+)(Z|[+-]\d{2}:?\d{2})?)?$/.exec(value);
  // A time without an offset would be read in this machine's zone: UTC, as the help says.
  const at = Date.parse(match?.[1] !== undefined && match[2] === undefined ? `${value}Z` : value);
  if (!match || Number.isNaN(at) || !isCalendarDay(value.slice(0, 10))) throw new UsageError(`${name} takes a date such as 2026-05-01 or 2026-05-01T12:00:00Z (got "${value}")`);
  const dayOnly = match[1] === undefined;
  return new Date(at + (dayOnly && name === "--until" ? 86_400_000 : 0)).toISOString();
}

/** `2026-02-30` parses (as 2 March): only a day the calendar has is one. */
function isCalendarDay(day: string): boolean {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date)).toISOString().slice(0, 10) === day;
}

function repoOnGitHub(command: string, repo: string | undefined): void {
  if (repo === undefined || !/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(repo)) {
    throw new UsageError(`${command} needs --repo owner/name (got ${repo === undefined ? "none" : `"${repo}"`})`);
  }
}

function positiveInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]{0,9}$/.test(value)) throw new UsageError(`${name} takes a positive whole number (got "${value}")`);
  return Number(value);
}

/** parseArgs' own message, with the option the user probably meant when it rejected an unknown one. */
function withSuggestion(error: Error & { code?: string }): string {
  const unknown = error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? /'(--?[^'=]+)/.exec(error.message)?.[1] : undefined;
  if (unknown === undefined) return error.message;
  const names = [...Object.keys(optionSpec).map((name) => `--${name}`), "--no-color"];
  const meant = didYouMean(unknown, names);
  return `unknown option "${unknown}"${meant ? `: did you mean "${meant}"?` : `: the options are ${names.join(", ")}`}`;
}

function hint(word: string, candidates: readonly string[]): string {
  const meant = didYouMean(word, candidates);
  return meant ? `: did you mean "${meant}"?` : "";
}
