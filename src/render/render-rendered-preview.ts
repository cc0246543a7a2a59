import type { ObjectDiff } from "../engine/diff/diff-types.js";
import type { Report } from "../engine/report.js";
import type { RenderedPreview } from "../rendering/judge-rendered.js";
import { htmlText, markdownText } from "./escape-markdown.js";
import { formatValue } from "./format-value.js";
import { plural } from "./location.js";
import { diffLines } from "./render-preview-markdown.js";

const textMarker = { added: "+", removed: "-", changed: "~", moved: ">" } as const;
const maxLinesPerObject = 200;

/** Who deploys a target, as a heading: the Application / Kustomization / HelmRelease, else the target itself. */
function heading(t: RenderedPreview): string {
  const tool = t.kind === "helm" ? "Helm" : "Kustomize";
  return t.deployedBy ? `${t.deployedBy.kind} ${t.deployedBy.name} (${tool}, ${t.file})` : `${tool} ${t.target} (${t.file})`;
}

const counts = (t: RenderedPreview) => {
  const s = t.diff.summary;
  return t.failed ? "did not render (see the error)" : `${s.added} added, ${s.changed} changed, ${s.removed} removed`;
};

/** The rendered preview for a terminal, above the source preview: per target, objects and fields. */
export function renderRenderedText(report: Report): string[] {
  const targets = report.rendered?.targets ?? [];
  if (targets.length === 0) return [];
  const out = [`Rendered (what will be deployed): ${plural(targets.length, "target")} changed, of ${report.rendered!.discovered}`];
  for (const t of targets) {
    out.push(`= ${heading(t)}: ${counts(t)}`);
    for (const object of t.diff.objects) {
      out.push(`  ${textMarker[object.status]} ${object.id}`);
      for (const change of object.changes) {
        const before = "before" in change ? formatValue(change.before) : [];
        const after = "after" in change ? formatValue(change.after) : [];
        if (before.length <= 1 && after.length <= 1) out.push(`      ${change.field}: ${before[0] ?? "(none)"} → ${after[0] ?? "(removed)"}`);
        else out.push(`      ${change.field}:`, ...before.map((l) => `        - ${l}`), ...after.map((l) => `        + ${l}`));
      }
    }
  }
  out.push("");
  return out;
}

/**
 * The rendered preview for GitHub, above the source preview: one section per target (grouped by the
 * Application, Flux object or target that deploys it), one collapsible block per object. It takes at
 * most `limit` characters; objects past that are counted, not shown.
 */
export function renderRenderedMarkdown(report: Report, limit: number): string {
  const targets = report.rendered?.targets ?? [];
  if (targets.length === 0) return "";
  let text = `### Rendered: what will be deployed\n\n${plural(targets.length, "target")} changed by this pull request (of ${report.rendered!.discovered} found); the source files' preview follows.\n\n`;
  let hidden = 0;
  for (const t of targets) {
    const head = `#### ${markdownText(heading(t))}\n\n${counts(t)}\n\n`;
    if (text.length + head.length > limit) {
      hidden += t.diff.objects.length;
      continue;
    }
    text += head;
    for (const object of t.diff.objects) {
      const section = objectSection(object);
      if (text.length + section.length > limit) hidden++;
      else text += section;
    }
  }
  // A blank line ends the last HTML block, so the heading after it is read as Markdown.
  return text + (hidden > 0 ? `**${plural(hidden, "rendered object")} not shown** (size limit): all are in the JSON report.\n\n` : "\n");
}

function objectSection(object: ObjectDiff): string {
  const lines = diffLines(object);
  const shown = lines.slice(0, maxLinesPerObject);
  if (lines.length > shown.length) shown.push(`  … ${lines.length - shown.length} more lines`);
  const longest = Math.max(0, ...shown.map((l) => Math.max(0, ...[...l.matchAll(/`+/g)].map((m) => m[0].length))));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return [
    "<details>",
    `<summary><b>${object.status}</b> <code>${htmlText(object.id)}</code></summary>`,
    "",
    ...(shown.length > 0 ? [`${fence}diff`, ...shown, fence, ""] : ["No field changes.", ""]),
    "</details>",
    "",
  ].join("\n");
}

