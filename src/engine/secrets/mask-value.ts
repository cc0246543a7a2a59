import type { MaskedValue } from "../diff/diff-types.js";
import { joinPointer, pointerSegments } from "../parse/locate.js";
import { looksLikeSecret } from "./secret-patterns.js";
import type { Sensitivity } from "./sensitive-paths.js";

export function masked(value: unknown): MaskedValue {
  return { masked: true, length: typeof value === "string" ? value.length : JSON.stringify(value ?? null).length };
}

export function isMasked(value: unknown): value is MaskedValue {
  return value !== null && typeof value === "object" && (value as { masked?: unknown }).masked === true;
}

/**
 * A copy of `value` (found at `pointer` in `doc` of file `path`) fit to show: secret parts replaced by
 * their length, structure and key names kept, so a reader sees that a key changed but never to what.
 */
export function maskValue(value: unknown, pointer: string, doc: unknown, path: string, sensitivity: Sensitivity): unknown {
  if (sensitivity.isSensitive(path, doc, pointer)) return maskAll(value);
  if (typeof value === "string") return looksLikeSecret(value) ? masked(value) : value;
  const base = pointerSegments(pointer);
  if (Array.isArray(value)) return value.map((item, i) => maskValue(item, joinPointer([...base, i]), doc, path, sensitivity));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskValue(item, joinPointer([...base, key]), doc, path, sensitivity)]));
  }
  return value;
}

function maskAll(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskAll);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskAll(item)]));
  return value === null || value === undefined ? value : masked(value);
}
