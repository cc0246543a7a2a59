import type { ObjectDiff } from "../engine/diff/diff-types.js";
import type { Report } from "../engine/report.js";
import { plural } from "./location.js";

/** Words that name an environment in a path: `clusters/production/…`, `argocd/web-prod.yaml`. */
const environments = /^(prod|production|staging|stage|preprod|dev|development|test|testing|qa|uat|sandbox|preview)$/i;

/**
 * Where an object lives, in a reviewer's words: the environment its path names (a folder, or a word of
 * its file name), else its top folder.
 */
export function areaOf(path: string): string {
  const segments = path.split("/");
  const folders = segments.slice(0, -1);
  const fileWords = (segments.at(-1) ?? "").replace(/\.[^.]*$/, "").split(/[-_.]/);
  const named = [...folders, ...fileWords].find((word) => environments.test(word));
  if (named) return named.toLowerCase();
  return folders.length > 0 ? `${folders[0]}/` : "the repository root";
}

/**
 * What the change does, in one phrase: "3 objects changed in production (1 added); 1 control-plane
 * file changed". Areas are listed in the order they first appear; `escape` is applied to them (they
 * come from paths, i.e. from input).
 */
export function changeInWords(report: Report, escape: (text: string) => string = (text) => text): string {
  const parts: string[] = [];
  const byArea = new Map<string, ObjectDiff[]>();
  for (const object of report.diff.objects) {
    const area = areaOf(object.path);
    byArea.set(area, [...(byArea.get(area) ?? []), object]);
  }
  for (const [area, objects] of byArea) {
    const detail = (["added", "removed", "moved"] as const)
      .map((status) => [status, objects.filter((o) => o.status === status).length] as const)
      .filter(([, n]) => n > 0)
      .map(([status, n]) => `${n} ${status}`);
    // One kind of change reads as itself ("2 objects added"); a mix as changes with the details after.
    const only = objects.every((o) => o.status === objects[0]!.status) ? objects[0]!.status : "changed";
    const details = only === "changed" && detail.length ? ` (${detail.join(", ")})` : "";
    parts.push(`${plural(objects.length, "object")} ${only} in ${escape(area)}${details}`);
  }
  const formatting = report.diff.summary.formattingOnlyFiles;
  if (formatting > 0) parts.push(`${plural(formatting, "file")} reformatted without a semantic change`);
  const unparsed = report.diff.files.filter((f) => f.unparsed).length;
  if (unparsed > 0) parts.push(`${plural(unparsed, "file")} that do${unparsed === 1 ? "es" : ""} not parse`);
  const controlPlane = report.controlPlane.changed.length;
  if (controlPlane > 0) parts.push(`${plural(controlPlane, "control-plane file")} changed`);
  return parts.length > 0 ? parts.join("; ") : "no object changed";
}
