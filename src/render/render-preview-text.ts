import type { Report } from "../engine/report.js";
import { formatValue } from "./format-value.js";
import { printable } from "./terminal-text.js";
import { renderRenderedText } from "./render-rendered-preview.js";

const marker = { added: "+", removed: "-", changed: "~", moved: ">" } as const;

/** The preview for a terminal: one line per object, one per changed field. */
export function renderPreviewText(report: Report): string {
  const { diff } = report;
  const s = diff.summary;
  const out = [...renderRenderedText(report), `Preview: ${s.added} added, ${s.changed} changed, ${s.removed} removed${s.moved ? `, ${s.moved} moved` : ""}`];
  for (const file of diff.files) {
    if (file.formattingOnly) out.push(`  ${file.path}: no semantic change (formatting only)`);
    if (file.unparsed) out.push(`  ${file.path}: not compared, it does not parse`);
  }
  for (const object of diff.objects) {
    const from = object.previousPath ? ` (from ${object.previousPath})` : "";
    out.push(`${marker[object.status]} ${object.id}  ${object.path}:${object.line}${from}`);
    for (const change of object.changes) {
      const before = "before" in change ? formatValue(change.before) : [];
      const after = "after" in change ? formatValue(change.after) : [];
      if (before.length <= 1 && after.length <= 1) {
        out.push(`    ${change.field}: ${before[0] ?? "(none)"} → ${after[0] ?? "(removed)"}`);
      } else {
        out.push(`    ${change.field}:`, ...before.map((l) => `      - ${l}`), ...after.map((l) => `      + ${l}`));
      }
    }
  }
  // Everything above but the counts comes from input: no escape sequence may reach the terminal.
  return printable(out.join("\n")) + "\n";
}
