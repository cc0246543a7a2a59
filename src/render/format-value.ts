import { stringify } from "yaml";
import { isMasked } from "../engine/secrets/mask-value.js";
import { mapTree } from "../engine/value-tree.js";

/** A masked value as every renderer shows it: that it exists and its length, never what it is. */
export function maskedLabel(length: number): string {
  return `••• (masked, ${length} character${length === 1 ? "" : "s"})`;
}

/** One line for a scalar, YAML lines for a map or list; masked values by their length only. */
export function formatValue(value: unknown): string[] {
  if (isMasked(value)) return [maskedLabel(value.length)];
  if (value === null || typeof value !== "object") {
    return [typeof value === "string" && !isAmbiguous(value) ? value : JSON.stringify(value) ?? "null"];
  }
  return stringify(replaceMasked(value), { lineWidth: 0 }).trimEnd().split("\n");
}

function replaceMasked(value: unknown): unknown {
  return mapTree(value, (node) => (isMasked(node) ? { replace: maskedLabel(node.length) } : "descend"));
}

/**
 * A string shown bare must not read as another type: "3" next to 3, or "on" next to true, would make a
 * type change look like no change at all.
 */
function isAmbiguous(text: string): boolean {
  return (
    text === "" ||
    text.trim() !== text ||
    /[\n\r]/.test(text) ||
    /^(?:true|false|null|~|yes|no|on|off|y|n)$/i.test(text) ||
    /^[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$/i.test(text) ||
    /^0x[0-9a-f]+$/i.test(text)
  );
}
