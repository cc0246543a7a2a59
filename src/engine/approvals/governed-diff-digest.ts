import { createHash } from "node:crypto";
import type { ChangeSet, DeferredContent, FileContent } from "../change-set.js";

/**
 * A digest of what a change does to governed files: each file's path, previous path, status and the
 * exact bytes and executable bit before and after. Two heads with the same digest propose the same governed change, so an
 * approval of one holds for the other (a rebase, or an update from the base, that changes nothing
 * governed). Undefined when a version could not be read as text: identity cannot be proven then, and
 * approvals of other commits must not be carried over.
 */
export function governedDiffDigest(changes: ChangeSet, governed: (path: string) => boolean): string | undefined {
  const hash = createHash("sha256");
  const files = changes.files.filter((f) => governed(f.path) || (f.previousPath !== undefined && governed(f.previousPath)));
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const before = contentDigest(file.before);
    const after = contentDigest(file.after);
    if (before === null || after === null) return undefined;
    hash.update(JSON.stringify([file.path, file.previousPath ?? "", file.status, before, after]));
    hash.update("\n");
  }
  return hash.digest("hex");
}

/**
 * "" for an absent version, null for one whose bytes are unknown (not text, or not read). The executable
 * bit is a suffix, so the digests Gitgate recorded for plain files before it was read stay valid.
 */
function contentDigest(content: FileContent | DeferredContent | undefined): string | null {
  if (!content) return "";
  if (content.kind !== "text") return null;
  return createHash("sha256").update(content.text).digest("hex") + (content.executable ? ":x" : "");
}
