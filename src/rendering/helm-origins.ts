import { posix } from "node:path";

/** Where a template's output starts in a Helm render: its first line, and the template's repository path. */
export interface TemplateStart {
  line: number;
  path: string;
}

/**
 * Where each template's output starts in a Helm render. The helper heads each template's output with
 * `# Source: <chart name>/templates/…` (as `helm template` does) and, on the next line, the marker the
 * caller gave it: a template can write a `# Source:` line of its own, never the marker, so only the
 * helper's headers count. The chart's name (in Chart.yaml) need not be its folder's, so the first
 * segment is replaced by the chart's folder; a subchart's templates keep their `charts/<name>/` below
 * it. A name that would leave the chart's folder is no template's.
 */
export function templateStarts(yaml: string, marker: string, chartRoot: string, inRepository: (path: string) => boolean): TemplateStart[] {
  const lines = yaml.split("\n");
  const starts: TemplateStart[] = [];
  lines.forEach((text, i) => {
    const name = /^# Source: [^/]+\/(.+)$/.exec(text)?.[1];
    if (name === undefined || lines[i + 1] !== `# ${marker}` || name.split("/").some((s) => s === ".." || s === "." || s === "")) return;
    // A template of a subchart vendored as an archive is in no file of the repository: its objects
    // have no template to point at ("", the chart's Chart.yaml then).
    const path = posix.join(chartRoot, name);
    starts.push({ line: i + 1, path: inRepository(path) ? path : "" });
  });
  return starts;
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
export function templatesWithOutput(yaml: string, starts: readonly TemplateStart[]): Set<string> {
  const lines = yaml.split("\n");
  const out = new Set<string>();
  starts.forEach((start, i) => {
    // From below the header and its marker to the next template's "---".
    const end = (starts[i + 1]?.line ?? lines.length + 2) - 2;
    for (let n = start.line + 1; n < end; n++) {
      const text = lines[n]!.trim();
      if (text !== "" && !text.startsWith("#") && text !== "---" && text !== "...") {
        out.add(start.path);
        return;
      }
    }
  });
  return out;
}
