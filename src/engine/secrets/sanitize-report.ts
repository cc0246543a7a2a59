import type { SemanticDiff } from "../diff/diff-types.js";
import type { Report } from "../report.js";
import { mapTree } from "../value-tree.js";
import { isMasked } from "./mask-value.js";
import type { SecretSet } from "./secret-set.js";

/**
 * The last pass before a report leaves the engine: every text taken from input (messages, rule ids,
 * pointers, source lines, the preview's object ids, kinds, field names, pointers, keys and values) is
 * scrubbed of the change's secret values and of anything shaped like a secret.
 *
 * Paths are not, nor the paths Gitgate quotes in a message: every path in a report is one Gitgate
 * listed (a file of the change or of the control plane, a render target), which whoever reads the report
 * can list too, and it must stay exact for an annotation to land on its file. Scrubbed, a chart's values
 * file masked whole with `environment: production` in it turned every `production/` folder in the report
 * into `•••/`.
 */
export function sanitizeReport(report: Report, secrets: SecretSet, listedAmong: ListedAmong): Report {
  const scrub = (text: string) => secrets.scrub(text);
  const messages = scrubMessages(report.findings.map((f) => f.message), secrets, listedAmong);
  return {
    ...report,
    title: scrub(report.title),
    findings: report.findings.map((f, i) => ({
      ...f,
      rule: scrub(f.rule),
      message: messages[i]!,
      ...(f.pointer !== undefined ? { pointer: scrub(f.pointer) } : {}),
      ...(f.waiver ? { waiver: { ...f.waiver, reason: scrub(f.waiver.reason) } } : {}),
    })),
    snippets: Object.fromEntries(
      Object.entries(report.snippets).map(([path, lines]) => [path, Object.fromEntries(Object.entries(lines).map(([line, text]) => [line, scrub(text)]))]),
    ),
    controlPlane: {
      ...report.controlPlane,
      ...(report.controlPlane.diffs
        ? { diffs: report.controlPlane.diffs.map((d) => ({ ...d, lines: d.lines.map(scrub) })) }
        : {}),
    },
    diff: scrubDiff(report.diff, scrub),
    ...(report.rendered ? { rendered: { ...report.rendered, targets: report.rendered.targets.map((t) => ({ ...t, diff: scrubDiff(t.diff, scrub) })) } } : {}),
  };
}

/** Which of these paths Gitgate listed (a file of the change or of the control plane). */
export type ListedAmong = (paths: ReadonlySet<string>) => ReadonlySet<string>;

/** Runs of path characters, and what lies between them (odd pieces of a split). */
const pathRuns = /([^\w.+@/-]+)/;

/**
 * The path a run of path characters is, or may be with a sentence's full stop after it. The stops are
 * counted off by hand: a pattern anchored at the end (`/\.+$/`) is tried from every dot of a long run.
 */
function pathForms(piece: string): [string, string] {
  let end = piece.length;
  while (end > 0 && piece.charCodeAt(end - 1) === 46) end--;
  return [piece, piece.slice(0, end)];
}

/**
 * The messages scrubbed, save the repository paths they quote (`its CustomResourceDefinition is in
 * crds/monitoring/podmonitor.yaml`), kept as the report's paths are. Only a path Gitgate listed is kept,
 * and only what scrubbing would mask wholly inside it: a secret reaching out of a path (a value holding
 * one) is masked whole, path included. Only messages scrubbing changed are looked at again, cut into runs
 * of path characters and the rest (linear, whatever the text). The paths they quote are looked up all
 * at once, so no set of every listed path is built at the end of a long run.
 */
function scrubMessages(messages: readonly string[], secrets: SecretSet, listedAmong: ListedAmong): string[] {
  const scrubbed = messages.map((message) => secrets.scrub(message));
  const quoting = (i: number) => scrubbed[i] !== messages[i] && messages[i]!.includes("/");
  const quoted = new Set<string>();
  messages.forEach((message, i) => {
    if (quoting(i)) for (const piece of message.split(pathRuns)) if (piece.includes("/")) for (const form of pathForms(piece)) quoted.add(form);
  });
  const listed = quoted.size > 0 ? listedAmong(quoted) : new Set<string>();
  if (listed.size === 0) return scrubbed;
  return messages.map((message, i) => (quoting(i) ? secrets.scrub(message, listedSpans(message, listed)) : scrubbed[i]!));
}

/** Where `text` quotes listed paths: their spans, ascending and apart (see SecretSet.scrub). */
function listedSpans(text: string, listed: ReadonlySet<string>): [number, number][] {
  const spans: [number, number][] = [];
  let at = 0;
  for (const piece of text.split(pathRuns)) {
    const path = piece.includes("/") ? pathForms(piece).find((form) => listed.has(form)) : undefined;
    if (path !== undefined) spans.push([at, at + path.length]);
    at += piece.length;
  }
  return spans;
}

/** The preview with every text from input scrubbed: object ids, kinds, field names, pointers, values. */
function scrubDiff(diff: SemanticDiff, scrub: (text: string) => string): SemanticDiff {
  return {
    ...diff,
    byKind: uniqueKeys(Object.entries(diff.byKind), scrub),
    objects: diff.objects.map((o) => ({
      ...o,
      // A document that is no Kubernetes object is known by its place: its path (and index), kept as paths are.
      id: o.id === o.path || (o.id.startsWith(`${o.path}#`) && /^\d+$/.test(o.id.slice(o.path.length + 1))) ? o.id : scrub(o.id),
      ...(o.kind !== undefined ? { kind: scrub(o.kind) } : {}),
      changes: o.changes.map((c) => ({
        ...c,
        field: scrub(c.field),
        pointer: scrub(c.pointer),
        ...("before" in c ? { before: scrubValue(c.before, scrub) } : {}),
        ...("after" in c ? { after: scrubValue(c.after, scrub) } : {}),
      })),
      ...(o.content !== undefined ? { content: scrubValue(o.content, scrub) } : {}),
    })),
  };
}

/** Strings and keys scrubbed; masked values kept as they are. */
function scrubValue(value: unknown, scrub: (text: string) => string): unknown {
  return mapTree(
    value,
    (node) => (typeof node === "string" ? { replace: scrub(node) } : isMasked(node) ? { replace: node } : "descend"),
    (names) => scrubKeys(names, scrub),
  );
}

/**
 * Scrubbed keys, each unique: a key that scrubs to one already there gets a number ("••• (2)"), so two
 * secret keys never collapse into one and hide a change.
 */
function scrubKeys(names: readonly string[], scrub: (text: string) => string): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    const clean = scrub(name);
    let unique = clean;
    for (let n = 2; taken.has(unique); n++) unique = `${clean} (${n})`;
    taken.add(unique);
    return unique;
  });
}

function uniqueKeys<T>(entries: readonly [string, T][], scrub: (text: string) => string): Record<string, T> {
  const names = scrubKeys(entries.map(([name]) => name), scrub);
  return Object.fromEntries(entries.map(([, value], i) => [names[i]!, value]));
}
