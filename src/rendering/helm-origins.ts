import { randomBytes } from "node:crypto";
import { posix } from "node:path";
import { parse } from "yaml";

/** Where a template's output starts in a Helm render: its first line, and the template's repository path. */
export interface TemplateStart {
  line: number;
  path: string;
  /** As its `# Source:` header names it (`<chart>/charts/<subchart>/templates/…`). */
  name: string;
}

/**
 * A marker for the helper to write below each `# Source:` header, new for each render, so that no
 * template can write it (see templateStarts).
 */
export function newSourceMarker(): string {
  return `${markerWord} ${randomBytes(16).toString("hex")}`;
}

const markerWord = "gitgate-source";

/** A render's text without the lines its marker takes, for comparing two renders (each has its own marker). */
export function withoutSourceMarkers(yaml: string): string {
  return yaml.replace(new RegExp(`^# ${markerWord} [0-9a-f]+\\n`, "gm"), "");
}

/**
 * Where each template's output starts in a Helm render. The helper heads each template's output with
 * `# Source: <chart name>/templates/…` (as `helm template` does) and, on the next line, the marker the
 * caller gave it: a template can write a `# Source:` line of its own, never the marker, so only the
 * helper's headers count. Helm names charts by name, not by folder (see repositoryPath). A name that
 * would leave the chart's folder is no template's.
 */
function templateStarts(yaml: string, marker: string, chartRoot: string, files: Readonly<Record<string, string>>, folders = subchartFolders(files)): TemplateStart[] {
  const lines = yaml.split("\n");
  const starts: TemplateStart[] = [];
  lines.forEach((text, i) => {
    const [, full, name] = /^# Source: ([^/]+\/(.+))$/.exec(text) ?? [];
    if (full === undefined || name === undefined || lines[i + 1] !== `# ${marker}` || name.split("/").some((s) => s === ".." || s === "." || s === "")) return;
    starts.push({ line: i + 1, path: repositoryPath(chartRoot, name, folders, files), name: full });
  });
  return starts;
}

/**
 * The repository file of a template Helm names `<chart>/charts/<sub>/templates/x.yaml` (the part after
 * the first `/` is `name`). Helm names a subchart by its Chart.yaml's name, or by the alias its parent's
 * dependencies give it, not by its folder: each `charts/<sub>` goes to the one folder below the parent's
 * `charts/` that `<sub>` stands for. "" when there is none, or more than one (no template is credited
 * then), and for a subchart vendored as an archive, whose templates are in no file of the repository
 * (its objects land on the chart's Chart.yaml).
 */
function repositoryPath(chartRoot: string, name: string, folders: (parent: string, sub: string) => string | undefined, files: Readonly<Record<string, string>>): string {
  const segments = name.split("/");
  let folder = chartRoot;
  let at = 0;
  for (; segments[at] === "charts" && at + 2 < segments.length; at += 2) {
    const sub = folders(folder, segments[at + 1]!);
    if (sub === undefined) return "";
    folder = sub;
  }
  const path = posix.join(folder, ...segments.slice(at));
  return Object.hasOwn(files, path) ? path : "";
}

/**
 * The folder below `parent/charts/` a subchart Helm calls `sub` is in, by the charts' Chart.yaml files,
 * indexed in one pass over the files (each Chart.yaml parsed once). Helm's loader skips folders whose
 * name starts with `_` or `.`, so they are no candidates. A chart with a requirements.yaml (Helm reads
 * its dependencies, and may read its name, over Chart.yaml's) credits nothing through it: undefined.
 */
function subchartFolders(files: Readonly<Record<string, string>>): (parent: string, sub: string) => string | undefined {
  const children = new Map<string, string[]>();
  for (const path of Object.keys(files)) {
    const match = /^(?:(.*)\/)?charts\/([^/]+)\/Chart\.yaml$/.exec(path);
    if (!match || match[2]!.startsWith("_") || match[2]!.startsWith(".")) continue;
    const parent = match[1] ?? "";
    children.set(parent, [...(children.get(parent) ?? []), posix.join(parent, "charts", match[2]!)]);
  }
  const parsed = new Map<string, ReturnType<typeof chartYaml>>();
  const chartOf = (folder: string) => {
    if (!parsed.has(folder)) parsed.set(folder, chartYaml(files[posix.join(folder, "Chart.yaml")]));
    return parsed.get(folder);
  };
  const hasRequirements = (folder: string) => Object.hasOwn(files, posix.join(folder, "requirements.yaml"));
  const found = new Map<string, string | undefined>();
  return (parent, sub) => {
    const key = `${parent}\u0000${sub}`;
    if (found.has(key)) return found.get(key);
    const dependencies = chartOf(parent)?.dependencies;
    const alias = Array.isArray(dependencies) ? dependencies.find((d: unknown) => typeof d === "object" && d !== null && (d as { alias?: unknown }).alias === sub) as { name?: unknown } | undefined : undefined;
    const name = alias ? alias.name : sub;
    const folders = hasRequirements(parent) ? [] : (children.get(parent) ?? []).filter((folder) => !hasRequirements(folder) && chartOf(folder)?.name === name);
    found.set(key, folders.length === 1 ? folders[0] : undefined);
    return found.get(key);
  };
}

function chartYaml(text: string | undefined): { name?: unknown; dependencies?: unknown } | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = parse(text);
    return typeof value === "object" && value !== null ? value : undefined;
  } catch {
    // The render would have failed on it: no template is credited through it.
    return undefined;
  }
}

/** The template each document of a Helm render came from ("" when none), given the documents' first lines, in order. */
export function templateOrigins(starts: readonly TemplateStart[], documentLines: readonly number[]): string[] {
  // Documents come in the order of the text: one pass over the starts.
  let next = 0;
  let path = "";
  return documentLines.map((line) => {
    for (; next < starts.length && starts[next]!.line <= line; next++) path = starts[next]!.path;
    return path;
  });
}

/**
 * The templates whose output in a Helm render holds something besides comments: what Helm deploys from
 * them. A template that renders to comments only is in the render's headers, not here.
 */
export function templatesWithOutput(yaml: string, starts: readonly TemplateStart[]): TemplateStart[] {
  const lines = yaml.split("\n");
  return starts.filter((start, i) => {
    // From below the header and its marker to the next template's "---".
    const end = (starts[i + 1]?.line ?? lines.length + 2) - 2;
    for (let n = start.line + 1; n < end; n++) {
      const text = lines[n]!.trim();
      if (text !== "" && !text.startsWith("#") && text !== "---" && text !== "...") return true;
    }
    return false;
  });
}

/**
 * What a Helm render's text says of its templates: where each one's output starts (templateStarts),
 * and the templates of vendored archives (in no file of the repository) that Helm renders on its own,
 * of which no output came, by their `# Source:` names (`names`: every template the helper loaded).
 */
export function helmTemplates(yaml: string, marker: string, names: readonly string[], chartRoot: string, files: Readonly<Record<string, string>>): { starts: TemplateStart[]; emptyArchived: string[] } {
  const folders = subchartFolders(files);
  const starts = templateStarts(yaml, marker, chartRoot, files, folders);
  const withOutput = new Set(templatesWithOutput(yaml, starts).map((start) => start.name));
  const emptyArchived = names.filter((full) => !withOutput.has(full) && repositoryPath(chartRoot, full.slice(full.indexOf("/") + 1), folders, files) === "");
  return { starts, emptyArchived };
}
