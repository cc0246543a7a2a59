import type { ControlPlaneFileDiff } from "../engine/diff/control-plane-diff.js";
import type { ObjectDiff } from "../engine/diff/diff-types.js";
import type { Finding, Severity } from "../engine/finding.js";
import type { Report } from "../engine/report.js";
import { changeInWords } from "./change-words.js";
import { codeSpan, htmlText, markdownText } from "./escape-markdown.js";
import { plural } from "./location.js";
import { diffLines, findingsByDocument } from "./render-preview-markdown.js";
import { renderRenderedMarkdown } from "./render-rendered-preview.js";
import { ruleDocOf, ruleDocUrl } from "./rules/rule-catalog.js";
import { isWaivable, waiverSnippet } from "./waiver-snippet.js";

/** GitHub's limit on an issue or PR comment body. */
export const commentBodyLimit = 65_536;

const icon: Record<Severity, string> = { error: "❌", warning: "⚠️", notice: "ℹ️" };
const statusWord: Record<ObjectDiff["status"], string> = { added: "added", removed: "removed", changed: "changed", moved: "moved" };
const severityRank: Record<Severity, number> = { error: 0, warning: 1, notice: 2 };
/** A diff this short is shown open under an object that has findings; longer ones are collapsed. */
const openDiffLines = 20;
const maxDiffLines = 400;
const maxControlPlaneLines = 300;

/**
 * The PR comment, for a reviewer's first five seconds: one headline (verdict, counts, what changed in
 * words), then changes to the control plane (the rules themselves) with their lines, then every object
 * or file with findings (each finding once, under it, with its rule's docs, how to fix it and how to
 * waive it), then the other changed objects, collapsed. No table repeats the list. When the body would
 * pass `limit`, whole sections are left out (never half a code block or <details>) and the end says which.
 */
export function renderComment(report: Report, limit = commentBodyLimit): string {
  const head = headline(report) + "\n\n";
  const all = subjects(report);
  const sections = [...controlPlaneSections(report), ...renderedSections(report, limit), ...findingSections(all, report), ...quietObjectSections(all, report)];
  // Sections are rendered only until the room runs out, and the footer that would name the rest is
  // measured, not built, for each: a 1,000-object change would otherwise build a thousand footers.
  // The footer is kept room for up to a quarter of the limit: past that its list of names is cut,
  // rather than leave no room for any section.
  const footers = leftOutLengths(sections);
  const footerRoom = Math.floor(limit / 4);
  let text = head;
  for (const [i, section] of sections.entries()) {
    const body = section.text();
    if (text.length + body.length + Math.min(footers[i]!, footerRoom) > limit) return text + fitted(leftOut(sections.slice(i)), limit - text.length);
    text += body;
  }
  return text;
}

interface Section {
  /** How the footer names it when it is left out. */
  name: string;
  text(): string;
}

export function headline(report: Report): string {
  const verdict = report.conclusion === "failure" ? "❌ Fails" : "✅ Passes";
  return `### ${verdict}: ${markdownText(report.title)} · ${changeInWords(report, markdownText)}`;
}

/** What the change's Kustomize and Helm targets render to, per Application or target: what will be deployed. */
function renderedSections(report: Report, limit: number): Section[] {
  const text = renderRenderedMarkdown(report, Math.floor(limit / 2));
  return text ? [{ name: "what will be deployed (rendered targets)", text: () => `${text}\n\n` }] : [];
}

function controlPlaneSections(report: Report): Section[] {
  const changed = report.controlPlane.changed;
  if (changed.length === 0) return [];
  const diffs = new Map((report.controlPlane.diffs ?? []).map((d) => [d.path, d]));
  const callout = [
    "> [!CAUTION]",
    `> **This PR changes Gitgate's own rules** (${plural(changed.length, "control-plane file")}): review these lines first. ` +
      "They take effect after merge and decide how every later change is judged; this PR itself is still judged by the rules at its base.",
    "",
  ].join("\n");
  return [
    { name: "the control-plane callout", text: () => callout + "\n" },
    ...changed.map((path) => ({ name: codeSpan(path), text: () => controlPlaneFile(path, diffs.get(path), report.findings.filter((f) => f.path === path && f.rule !== "config/control-plane-change")) })),
  ];
}

function controlPlaneFile(path: string, diff: ControlPlaneFileDiff | undefined, findings: readonly Finding[]): string {
  const status = diff ? (diff.status === "renamed" && diff.previousPath ? `renamed from ${codeSpan(diff.previousPath)}` : diff.status) : "changed";
  const out = [`#### Control plane: ${codeSpan(path)} (${status})`, ""];
  if (diff && diff.lines.length > 0) {
    const shown = diff.lines.slice(0, maxControlPlaneLines);
    if (diff.lines.length > shown.length) shown.push(`… ${diff.lines.length - shown.length} more lines: see the PR's Files tab`);
    const fence = fenceFor(shown);
    out.push(`${fence}diff`, ...shown, fence, "");
  } else {
    out.push(`Lines not shown: ${markdownText(diff?.note ?? "the change could not be read")}. See the PR's Files tab.`, "");
  }
  out.push(...findingList(findings));
  return out.join("\n") + "\n";
}

/** A changed object and the findings that belong to it, or a file's findings outside any changed object. */
interface Subject {
  object?: ObjectDiff;
  path: string;
  findings: Finding[];
}

/** Objects and files with errors or warnings, the worst first; notices alone do not ask for attention. */
function findingSections(all: readonly Subject[], report: Report): Section[] {
  return all
    .filter((s) => s.findings.some((f) => f.severity !== "notice"))
    .sort((a, b) => worst(a) - worst(b))
    .map((s) => ({ name: s.object ? codeSpan(s.object.id) : codeSpan(s.path), text: () => attentionSection(s, report) }));
}

/** Changed objects with nothing to fix: one collapsed line each, their diff inside. */
function quietObjectSections(all: readonly Subject[], report: Report): Section[] {
  const quiet = all.filter((s) => s.object && !s.findings.some((f) => f.severity !== "notice"));
  if (quiet.length === 0) return [];
  const title = report.summary.errors + report.summary.warnings > 0 ? `#### Other changes (${quiet.length})` : `#### Changes (${quiet.length})`;
  return [
    { name: "the changes heading", text: () => `${title}\n\n` },
    ...quiet.map((s) => ({ name: codeSpan(s.object!.id), text: () => quietObject(s.object!, s.findings) })),
  ];
}

function subjects(report: Report): Subject[] {
  const controlPlane = new Set(report.controlPlane.changed);
  const placed = new Set<Finding>();
  const findingsOf = findingsByDocument(report.findings);
  const list: Subject[] = report.diff.objects.map((object) => {
    const own = object.status === "removed" ? [] : findingsOf(object.path, object.document);
    for (const f of own) placed.add(f);
    return { object, path: object.path, findings: own };
  });
  // Findings outside a changed object (a file that does not parse, an existing problem, a change-set
  // policy), by file; those on control-plane files are shown with their lines.
  const byFile = new Map<string, Finding[]>();
  for (const f of report.findings) {
    if (placed.has(f) || controlPlane.has(f.path)) continue;
    const own = byFile.get(f.path);
    if (own) own.push(f);
    else byFile.set(f.path, [f]);
  }
  for (const [path, findings] of byFile) list.push({ path, findings });
  return list;
}

function worst(s: Subject): number {
  return Math.min(...s.findings.map((f) => severityRank[f.severity] + (f.status === "existing" ? 0.5 : 0)));
}

function attentionSection(s: Subject, report: Report): string {
  const out: string[] = [];
  const mark = icon[s.findings.some((f) => f.severity === "error") ? "error" : "warning"];
  if (s.object) {
    const file = s.object.id === s.object.path ? "" : `${codeSpan(s.object.path)} `;
    const place = `${file}line ${s.object.line}${s.object.previousPath ? ` (moved from ${codeSpan(s.object.previousPath)})` : ""}`;
    out.push(`#### ${mark} ${codeSpan(s.object.id)} ${statusWord[s.object.status]} · ${place}`, "");
  } else {
    out.push(`#### ${mark} ${codeSpan(s.path)}`, "");
  }
  out.push(...findingList(s.findings), ...waiverBlock(s.findings, s.object?.id, report.controlPlane.exceptionsPath));
  if (s.object) {
    const lines = cappedDiff(s.object);
    if (lines.length === 0) out.push("No field changes.", "");
    else if (lines.length <= openDiffLines) out.push("What changed:", "", ...fenced(lines), "");
    else out.push("<details>", `<summary>What changed: ${plural(lines.length, "diff line")}</summary>`, "", ...fenced(lines), "", "</details>", "");
  }
  return out.join("\n") + "\n";
}

function quietObject(object: ObjectDiff, notices: readonly Finding[]): string {
  // The <summary> is HTML, where Markdown is not read: entities only, and no line break that could end the block.
  const from = object.previousPath ? ` (from <code>${htmlText(object.previousPath)}</code>)` : "";
  const where = object.id === object.path ? "" : ` in <code>${htmlText(object.path)}</code>`;
  const summary = `<b>${statusWord[object.status]}</b> <code>${htmlText(object.id)}</code>${where} line ${object.line}${from}${notices.length ? ` · ${plural(notices.length, "notice")}` : ""}`;
  const lines = cappedDiff(object);
  return [
    "<details>",
    `<summary>${summary}</summary>`,
    "",
    ...(lines.length > 0 ? fenced(lines) : ["No field changes."]),
    "",
    ...findingList(notices),
    "</details>",
    "",
  ].join("\n") + "\n";
}

/** Each finding once: severity, rule (linked to its docs), line, message; for errors, how to fix it. */
function findingList(findings: readonly Finding[]): string[] {
  if (findings.length === 0) return [];
  const sorted = [...findings].sort((a, b) => severityRank[a.severity] - severityRank[b.severity] || a.line - b.line || a.column - b.column);
  const out: string[] = [];
  for (const f of sorted) {
    const url = ruleDocUrl(f.rule);
    const rule = url ? `[${codeSpan(f.rule)}](${url})` : codeSpan(f.rule);
    const existing = f.status === "existing" ? " (already at the base)" : "";
    const waived = f.waiver ? ` Waived until ${markdownText(f.waiver.expires)} by ${markdownText(f.waiver.owner)}: ${markdownText(f.waiver.reason)}` : "";
    out.push(`- ${icon[f.severity]} **${f.severity}**${existing} ${rule} line ${f.line}: ${markdownText(f.message)}${waived}`);
    const doc = f.severity === "error" ? ruleDocOf(f.rule) : undefined;
    if (doc) out.push(`  - How to fix: ${doc.fix}`);
  }
  out.push("");
  return out;
}

/**
 * One collapsed block per object or file: the exceptions-file entries that would waive its errors, one
 * per rule, ready to paste. Collapsed, since fixing is the first answer and waiving the exception.
 */
function waiverBlock(findings: readonly Finding[], objectId: string | undefined, exceptionsPath: string | undefined): string[] {
  const rules = [...new Set(findings.filter((f) => f.severity === "error" && isWaivable(f)).map((f) => f.rule))];
  if (rules.length === 0) return [];
  const entries = rules.map((rule, i) => waiverSnippet({ rule, path: findings.find((f) => f.rule === rule)!.path }, objectId).split("\n").slice(i === 0 ? 0 : 1));
  const snippet = entries.flat();
  const fence = fenceFor(snippet);
  return [
    "<details>",
    `<summary>Or waive ${rules.length === 1 ? "it" : "them"}: an owned, expiring exception</summary>`,
    "",
    `Add to ${codeSpan(exceptionsPath ?? ".github/gitgate-exceptions.yml")} (it waives only once merged, and is judged by the base's rules like any change):`,
    "",
    `${fence}yaml`,
    ...snippet,
    fence,
    "",
    "</details>",
    "",
  ];
}

function cappedDiff(object: ObjectDiff): string[] {
  const lines = diffLines(object);
  const shown = lines.slice(0, maxDiffLines);
  if (lines.length > shown.length) shown.push(`  … ${lines.length - shown.length} more lines`);
  return shown;
}

function fenced(lines: readonly string[]): string[] {
  const fence = fenceFor(lines);
  return [`${fence}diff`, ...lines, fence];
}

function fenceFor(lines: readonly string[]): string {
  const longest = Math.max(0, ...lines.map((l) => Math.max(0, ...[...l.matchAll(/`+/g)].map((m) => m[0].length))));
  return "`".repeat(Math.max(3, longest + 1));
}

function leftOut(sections: readonly Section[]): string {
  return sections.length === 0 ? "" : footer(sections.length, sections.map((s) => s.name).join(", "));
}

function footer(count: number, names: string): string {
  return `\n**${plural(count, "more section")} not shown**: the comment reached GitHub's size limit. Not shown: ${names}. Everything is in the JSON report (\`gitgate check --format json\`).\n`;
}

/** leftOut(sections.slice(i)).length for every i, counted from the end without building any footer. */
function leftOutLengths(sections: readonly Section[]): number[] {
  const lengths: number[] = [];
  let names = 0;
  for (let i = sections.length - 1; i >= 0; i--) {
    names += sections[i]!.name.length + (i < sections.length - 1 ? ", ".length : 0);
    lengths[i] = footer(sections.length - i, "").length + names;
  }
  return lengths;
}

/** The footer, its list of names cut to fit `room`. */
function fitted(footer: string, room: number): string {
  if (footer.length <= room) return footer;
  const tail = "… Everything is in the JSON report (`gitgate check --format json`).\n";
  // Cut between names, never inside a code span.
  const cut = footer.slice(0, Math.max(0, room - tail.length));
  const end = cut.lastIndexOf(", ");
  return (end > 0 ? cut.slice(0, end) : "\n**More sections not shown**: the comment reached GitHub's size limit. ") + tail;
}
