import { posix } from "node:path";

/**
 * The template each document of a Helm render came from, as a path in the repository: the helper
 * heads each template's output with `# Source: <chart name>/templates/…` (as `helm template` does), and
 * a document belongs to the last such line above it. `documentLines` are the documents' first lines.
 * The chart's name (in Chart.yaml) need not be its folder's, so the first segment is replaced by
 * the chart's folder; a subchart's templates keep their `charts/<name>/` below it.
 */
export function helmOrigins(yaml: string, documentLines: readonly number[], chartRoot: string): string[] {
  const markers: { line: number; path: string }[] = [];
  yaml.split("\n").forEach((text, i) => {
    const name = /^# Source: [^/]+\/(.+)$/.exec(text)?.[1];
    if (name !== undefined) markers.push({ line: i + 1, path: posix.join(chartRoot, name) });
  });
  // Documents come in the order of the text: one pass over the markers.
  let next = 0;
  let path = "";
  return documentLines.map((line) => {
    for (; next < markers.length && markers[next]!.line <= line; next++) path = markers[next]!.path;
    return path;
  });
}
