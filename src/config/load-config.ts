import type { DraftFinding, Span } from "../engine/finding.js";
import { joinPointer } from "../engine/parse/locate.js";
import { globProblem } from "./check-globs.js";
import { configPath, type GitgateConfig } from "./config-types.js";
import { normalizeConfig, policyPathOf, type RawConfig } from "./normalize-config.js";
import { publishedSchema } from "./published-schemas.js";
import { readControlFile } from "./read-control-file.js";

export interface LoadedConfig {
  /** Undefined when there are errors: a half-understood config must not be used. */
  config?: GitgateConfig;
  errors: DraftFinding[];
  warnings: DraftFinding[];
  /** The top-level keys the file sets itself (the rest are defaults, or inherited with `_extends`). */
  keys?: string[];
  /** Every glob the file writes, where it writes it (set with `config`). */
  globs?: ConfigGlob[];
}

export interface ConfigGlob extends Span {
  glob: string;
  /** Where in the config, e.g. `/schemas/0/files/1`. */
  pointer: string;
}

const validateConfig = publishedSchema("gitgate-config.schema.json");

/**
 * Settings the config format has but this version does not act on: said on their line, never silently
 * accepted: listed here until the feature lands.
 */
const notEnforcedYet: readonly [(raw: RawConfig) => unknown, string, string][] = [
  // Lifts the refusal of remote bases and chart repositories, but the render helper fetches nothing yet.
  [(raw) => (raw.render && raw.render.network === true ? true : undefined), "/render/network", "fetching remote Kustomize bases and chart dependencies (render.network: true)"],
];

/**
 * Reads `.github/gitgate.yml` text into the normalised config. Never throws: every problem is a
 * finding on the config file with its line and column, so it can be annotated where it is.
 *
 * An evaluation reads the same config three times (to prefetch what it names, to build the control
 * plane, to warn of its globs that match nothing), each a YAML parse, a schema check and every glob
 * compiled: 2–9 ms a time. The last two configs read are kept (an organisation's and a repository's),
 * and shared: what is returned is frozen.
 */
export function loadConfig(text: string, path: string = configPath): LoadedConfig {
  const key = `${path}\0${text}`;
  const kept = recentlyLoaded.get(key);
  if (kept) return kept;
  const loaded = frozen(readConfig(text, path));
  recentlyLoaded.set(key, loaded);
  // One is added at a time: the oldest goes.
  if (recentlyLoaded.size > 2) recentlyLoaded.delete(recentlyLoaded.keys().next().value!);
  return loaded;
}

const recentlyLoaded = new Map<string, LoadedConfig>();

function frozen(loaded: LoadedConfig): LoadedConfig {
  for (const part of [loaded.config, loaded.errors, loaded.warnings, loaded.keys, loaded.globs]) if (part) Object.freeze(part);
  return Object.freeze(loaded);
}

function readConfig(text: string, path: string): LoadedConfig {
  const file = readControlFile(path, text, validateConfig, "config");
  if (!file.doc) return { errors: file.errors, warnings: file.warnings };
  const raw = file.doc.value as RawConfig;
  for (const [pointer, glob] of globsOf(raw)) {
    const problem = globProblem(glob);
    if (problem) file.fail("config/glob", problem, pointer);
  }
  raw.schemas?.forEach((rule, i) => {
    if (rule.schema !== undefined && rule.schema !== "kubernetes" && !isInsideRepo(rule.schema)) {
      file.fail("config/invalid", `schema path "${rule.schema}" must be relative to the repository root, inside it`, joinPointer(["schemas", i, "schema"]));
    }
  });
  raw.policies?.paths?.map(policyPathOf).forEach((path, i) => {
    if (!isInsideRepo(path)) file.fail("config/invalid", `policy path "${path}" must be relative to the repository root, inside it`, joinPointer(["policies", "paths", i]));
  });
  raw.policies?.data?.forEach((path, i) => {
    if (!isInsideRepo(path)) file.fail("config/invalid", `policy data path "${path}" must be relative to the repository root, inside it`, joinPointer(["policies", "data", i]));
  });
  if (raw.render) {
    const paths: [string, (string | number)[]][] = [
      ...(raw.render.kustomize ?? []).map((path, i): [string, (string | number)[]] => [path, ["render", "kustomize", i]]),
      ...(raw.render.helm ?? []).flatMap((entry, i): [string, (string | number)[]][] => [
        [entry.chart, ["render", "helm", i, "chart"]],
        ...(entry.values ?? []).map((path, j): [string, (string | number)[]] => [path, ["render", "helm", i, "values", j]]),
      ]),
    ];
    for (const [path, at] of paths) if (!isInsideRepo(path)) file.fail("config/invalid", `render path "${path}" must be relative to the repository root, inside it`, joinPointer(at));
  }
  if (file.errors.length > 0) return { errors: file.errors, warnings: file.warnings };
  for (const [value, pointer, feature] of notEnforcedYet) {
    if (value(raw) === undefined) continue;
    file.warnings.push({
      severity: "warning", rule: "config/not-enforced", source: "config", path, pointer, ...file.doc.locate(pointer, "key"),
      message: `${pointer.slice(1).replaceAll("/", ".")}: ${feature} is not enforced by this version of Gitgate yet: this setting is read, checked and ignored.`,
    });
  }
  const doc = file.doc;
  // Branch globs name branches, not files: they are checked above but never matched against the tree.
  const globs = globsOf(raw).filter(([pointer]) => !pointer.startsWith("/protect/")).map(([pointer, glob]) => ({ glob, pointer, ...doc.locate(pointer, "value") }));
  return { config: normalizeConfig(raw, doc), errors: file.errors, warnings: file.warnings, keys: Object.keys(raw), globs };
}

function isInsideRepo(path: string): boolean {
  return !path.startsWith("/") && !path.split("/").includes("..");
}

/** Every glob in the config with the pointer it is written at. */
function globsOf(raw: RawConfig): [string, string][] {
  const out: [string, string][] = [];
  const add = (value: string | string[] | undefined, ...at: (string | number)[]) => {
    if (typeof value === "string") out.push([joinPointer(at), value]);
    else value?.forEach((glob, i) => out.push([joinPointer([...at, i]), glob]));
  };
  add(raw.files, "files");
  add(raw.ignore, "ignore");
  raw.schemas?.forEach((rule, i) => add(rule.files, "schemas", i, "files"));
  raw.approvals?.rules?.forEach((rule, i) => add(rule.files, "approvals", "rules", i, "files"));
  add(raw.preview?.redact, "preview", "redact");
  add(raw.protect?.branches, "protect", "branches");
  return out;
}
