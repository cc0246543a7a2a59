import type { ObjectDiff, SemanticDiff } from "../engine/diff/diff-types.js";
import type { Finding, Severity } from "../engine/finding.js";
import type { Report } from "../engine/report.js";
import { codeSpan, htmlText, markdownText } from "./escape-markdown.js";
import { formatValue } from "./format-value.js";
import { plural } from "./location.js";
import { renderRenderedMarkdown } from "./render-rendered-preview.js";

/** GitHub's limit on an issue or PR comment body. */
export const commentLimit = 65_536;

const marker: Record<ObjectDiff["status"], string> = { added: "+ added", removed: "− removed", changed: "~ changed", moved: "→ moved" };
const icon: Record<Severity, string> = { error: "❌", warning: "⚠️", notice: "ℹ️" };
const maxLinesPerObject = 400;
const maxTableRows = 50;

/**
 * The preview a reviewer reads: counts per file and per kind, then one collapsible section per object
 * with a `diff` block of its changed fields and its findings. When it would pass `limit`, whole
 * sections are left out (never half a code block or <details>) and the end says which.
 */
export function renderPreviewMarkdown(report: Report, limit = commentLimit): string {
  const { diff } = report;
  // What Kustomize and Helm render comes first (at most half the room); the source files' preview follows.
  const rendered = renderRenderedMarkdown(report, Math.floor(limit / 2));
  const head = [`${rendered}### Preview: ${countsLine(diff.summary)}`, ""];
  if (diff.objects.length === 0) {
    head.push(diff.summary.formattingOnlyFiles > 0 ? "No semantic change: only formatting (comments, key order, quoting)." : "No object changes.");
    return head.join("\n") + "\n";
  }
  head.push(...fileTable(diff), "", ...kindTable(diff), "");
  let text = head.join("\n") + "\n";
  // Sections are rendered only until the room runs out, and the footer that would name the rest is
  // measured, not built, for each: a 1,000-object change would otherwise build a thousand footers
  // of up to a thousand names each. The footer is kept room for up to a quarter of the limit: past
  // that it counts the names it cannot list, rather than leave no room for any object.
  const footers = leftOutLengths(diff.objects);
  const footerRoom = Math.floor(limit / 4);
  const findingsOf = findingsByDocument(report.findings);
  for (const [i, object] of diff.objects.entries()) {
    const section = renderObject(object, object.status === "removed" ? [] : findingsOf(object.path, object.document));
    if (text.length + section.length + Math.min(footers[i]!, footerRoom) > limit) return text + fitFooter(diff.objects.slice(i), limit - text.length);
    text += section;
  }
  return text;
}

/** The findings of each document, looked up in one pass over them rather than one per object. */
export function findingsByDocument(findings: readonly Finding[]): (path: string, document: number | undefined) => Finding[] {
  const byDocument = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = `${f.path}\0${f.document}`;
    const own = byDocument.get(key);
    if (own) own.push(f);
    else byDocument.set(key, [f]);
  }
  return (path, document) => byDocument.get(`${path}\0${document}`) ?? [];
}

function countsLine(s: SemanticDiff["summary"]): string {
  const parts = [`${s.added} added`, `${s.changed} changed`, `${s.removed} removed`];
  if (s.moved) parts.push(`${s.moved} moved`);
  if (s.formattingOnlyFiles) parts.push(`${plural(s.formattingOnlyFiles, "file")} with formatting changes only`);
  return parts.join(", ");
}

function fileTable(diff: SemanticDiff): string[] {
  const rows = diff.files.slice(0, maxTableRows).map((f) => {
    const name = `${codeSpan(f.path, true)}${f.previousPath ? ` (from ${codeSpan(f.previousPath, true)})` : ""}`;
    if (f.unparsed) return `| ${name} | not compared: it does not parse | | | |`;
    if (f.formattingOnly) return `| ${name} | no semantic change | | | |`;
    return `| ${name} | ${f.added} | ${f.changed} | ${f.removed} | ${f.moved} |`;
  });
  const more = diff.files.length - rows.length;
  return ["| file | added | changed | removed | moved |", "| --- | ---: | ---: | ---: | ---: |", ...rows, ...(more > 0 ? [`| … and ${plural(more, "more file")} | | | | |`] : [])];
}

function kindTable(diff: SemanticDiff): string[] {
  const rows = Object.entries(diff.byKind).sort(([a], [b]) => a.localeCompare(b)).map(([kind, c]) => `| ${markdownText(kind, true)} | ${c.added} | ${c.changed} | ${c.removed} | ${c.moved} |`);
  return ["| kind | added | changed | removed | moved |", "| --- | ---: | ---: | ---: | ---: |", ...rows];
}

/** An object's section, with its own findings (none for a removed object). */
function renderObject(object: ObjectDiff, own: readonly Finding[]): string {
  // The <summary> is HTML, where Markdown is not read: entities only, and no line break that could end the block.
  const place = object.id === object.path ? `line ${object.line}` : `in ${object.previousPath ? `<code>${htmlText(object.previousPath)}</code> → ` : ""}<code>${htmlText(object.path)}</code> line ${object.line}`;
  const lines = diffLines(object);
  const shown = lines.slice(0, maxLinesPerObject);
  if (lines.length > shown.length) shown.push(`  … ${lines.length - shown.length} more lines`);
  const fence = fenceFor(shown);
  return [
    "<details>",
    `<summary><b>${marker[object.status]}</b> <code>${htmlText(object.id)}</code> ${place}${own.length ? ` · ${plural(own.length, "finding")}` : ""}</summary>`,
    "",
    ...(shown.length > 0 ? [`${fence}diff`, ...shown, fence, ""] : ["No field changes.", ""]),
    ...own.map((f) => `- ${icon[f.severity]} ${codeSpan(f.rule)} line ${f.line}: ${markdownText(f.message)}`),
    ...(own.length ? [""] : []),
    "</details>",
    "",
  ].join("\n");
}

/** `- old` / `+ new` lines under a context line naming the field. */
export function diffLines(object: ObjectDiff): string[] {
  if (object.status === "added") return formatValue(object.content).map((l) => `+ ${l}`);
  if (object.status === "removed") return formatValue(object.content).map((l) => `- ${l}`);
  return object.changes.flatMap((change) => [
    `  ${change.field}:`,
    ...("before" in change ? formatValue(change.before).map((l) => `-   ${l}`) : []),
    ...("after" in change ? formatValue(change.after).map((l) => `+   ${l}`) : []),
  ]);
}

const statuses = ["added", "changed", "removed", "moved"] as const;
type StatusCounts = Record<ObjectDiff["status"], number>;

/** The footer naming the objects left out. */
function leftOut(objects: readonly ObjectDiff[]): string {
  return `${footerStart(objects.length, countsOf(objects))}${objects.map((o) => codeSpan(o.id)).join(", ")}.\n`;
}

/** leftOut(objects.slice(i)).length for every i, counted from the end without building any footer. */
function leftOutLengths(objects: readonly ObjectDiff[]): number[] {
  const lengths: number[] = [];
  const counts: StatusCounts = { added: 0, changed: 0, removed: 0, moved: 0 };
  let names = 0;
  for (let i = objects.length - 1; i >= 0; i--) {
    counts[objects[i]!.status]++;
    names += codeSpan(objects[i]!.id).length + (i < objects.length - 1 ? ", ".length : 0);
    lengths[i] = footerStart(objects.length - i, counts).length + names + ".\n".length;
  }
  return lengths;
}

function countsOf(objects: readonly ObjectDiff[]): StatusCounts {
  const counts: StatusCounts = { added: 0, changed: 0, removed: 0, moved: 0 };
  for (const o of objects) counts[o.status]++;
  return counts;
}

function footerStart(count: number, counts: StatusCounts): string {
  const shown = statuses.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return `\n**${plural(count, "more object")} not shown** (${shown.join(", ")}): the preview reached GitHub's size limit. Not shown: `;
}

/** The footer, with its list of left-out objects shortened if even the list does not fit. */
function fitFooter(objects: readonly ObjectDiff[], room: number): string {
  const full = leftOut(objects);
  if (full.length <= room) return full;
  const start = footerStart(objects.length, countsOf(objects));
  let names = "";
  let listed = 0;
  for (const object of objects) {
    const next = `${listed ? ", " : ""}${codeSpan(object.id)}`;
    const tail = `, and ${objects.length - listed - 1} more (all are in the JSON report: \`gitgate check --format json\`).\n`;
    if (start.length + names.length + next.length + tail.length > room) break;
    names += next;
    listed++;
  }
  return `${start}${names}${listed < objects.length ? `${listed ? ", and" : ""} ${objects.length - listed} more (all are in the JSON report: \`gitgate check --format json\`)` : ""}.\n`;
}

function fenceFor(lines: readonly string[]): string {
  const longest = Math.max(0, ...lines.map((l) => Math.max(0, ...[...l.matchAll(/`+/g)].map((m) => m[0].length))));
  return "`".repeat(Math.max(3, longest + 1));
}
