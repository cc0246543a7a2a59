import { structuredPatch } from "diff";
import type { ChangeStatus, FileContent } from "../change-set.js";
import { parseFile } from "../parse/parse-file.js";
import { defaultParseLimits } from "../parse/parse-limits.js";
import { mayHoldSecrets } from "../secrets/may-hold-secrets.js";

/**
 * What a change does to one control-plane file (the config, a schema, a policy, the exceptions file),
 * as unified-diff lines. These files decide how every other file is judged, so a reviewer must see
 * the lines themselves, not just that the file changed.
 */
export interface ControlPlaneFileDiff {
  path: string;
  previousPath?: string;
  status: ChangeStatus;
  /** `@@ … @@` hunk headers, then context (" "), removed ("-") and added ("+") lines. */
  lines: string[];
  /** Why no lines are shown, when they are not (binary, too large, redacted, a link). */
  note?: string;
}

/** Beyond these, a line diff costs too much on hostile input (Myers is O(lines × edits)): say so instead. */
const maxLines = 20_000;
const maxEdits = 2_000;
const context = 2;

/**
 * `found` is told every document of both versions that parses, so that the change's secrets include
 * those of control-plane files, which may be neither governed nor judged (a CRD folder's ignored file).
 */
export function controlPlaneFileDiff(
  change: { path: string; previousPath?: string; status: ChangeStatus; before?: FileContent; after?: FileContent },
  redacted: boolean,
  found: (path: string, value: unknown) => void = () => undefined,
): ControlPlaneFileDiff {
  const base = { path: change.path, ...(change.previousPath ? { previousPath: change.previousPath } : {}), status: change.status };
  if (redacted) return { ...base, lines: [], note: "the file matches preview.redact" };
  const before = textOf(change.before);
  const after = textOf(change.after);
  const unreadable = [before, after].find((t): t is { note: string } => typeof t === "object");
  if (unreadable) return { ...base, lines: [], note: unreadable.note };
  // Both versions are read, whichever one hides the lines, so that the secrets of both are known.
  const notes = [secretNote(change.previousPath ?? change.path, change.before, found), secretNote(change.path, change.after, found)];
  const hidden = notes.find((note) => note !== undefined);
  if (hidden) return { ...base, lines: [], note: hidden };
  const old = (before as string | undefined) ?? "";
  const now = (after as string | undefined) ?? "";
  if (lineCount(old) > maxLines || lineCount(now) > maxLines) return { ...base, lines: [], note: `too long to show here (more than ${maxLines} lines)` };
  const patch = structuredPatch(change.previousPath ?? change.path, change.path, old, now, undefined, undefined, { context, maxEditLength: maxEdits });
  if (!patch) return { ...base, lines: [], note: `too many edits to show here (more than ${maxEdits})` };
  const lines = patch.hunks.flatMap((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines.filter((l) => !l.startsWith("\\"))]);
  return lines.length > 0 ? { ...base, lines } : { ...base, lines: [], note: change.status === "renamed" ? "renamed, content unchanged" : "no line changed" };
}

/**
 * Why the lines of a version may not be shown, if they may hold a secret value: the same rule as for
 * the source lines of findings (mayHoldSecrets), on the file read as the engine reads a manifest. A
 * line diff has no parsed value to mask, so a file that holds a Secret, or that does not parse (its
 * values are unknown), is named without its lines. Rego and CODEOWNERS files are not YAML, nor read
 * as manifests by anything that deploys: their lines are shown, scrubbed like every output.
 */
function secretNote(path: string, content: FileContent | undefined, found: (path: string, value: unknown) => void): string | undefined {
  if (content?.kind !== "text" || /\.rego$/i.test(path) || /(^|\/)CODEOWNERS$/.test(path)) return undefined;
  const parsed = parseFile(path, content, defaultParseLimits, "auto");
  // Every document, even one with errors: its guess may still hold values worth scrubbing elsewhere.
  for (const doc of parsed.documents) found(path, doc.value);
  if (!mayHoldSecrets(parsed)) return undefined;
  return parsed.documents.every((doc) => doc.valid) && !parsed.findings.some((f) => f.severity === "error")
    ? "the file holds a Kubernetes Secret, whose values are never shown"
    : "the file does not parse as YAML or JSON, so it may hold a Secret's values";
}

/** The text of a version, undefined when there is none, or why it cannot be shown line by line. */
function textOf(content: FileContent | undefined): string | undefined | { note: string } {
  if (content === undefined) return undefined;
  switch (content.kind) {
    case "text":
      return content.text.replace(/^\uFEFF/, "");
    case "binary":
      return { note: "binary file" };
    case "too-large":
      return { note: `too large to read (${content.size} bytes)` };
    case "symlink":
    case "submodule":
      return { note: `a ${content.kind === "symlink" ? "symbolic link" : "submodule"}, not a file` };
  }
}

function lineCount(text: string): number {
  let n = 1;
  for (let i = text.indexOf("\n"); i !== -1 && n <= maxLines; i = text.indexOf("\n", i + 1)) n++;
  return n;
}
