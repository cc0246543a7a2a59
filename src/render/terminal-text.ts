import { showInvisible } from "./invisible-characters.js";

/**
 * Text taken from input, made safe for a terminal: control characters (escape sequences that recolour,
 * move the cursor, set the window title or hide text) are shown as \x1b-style codes instead, and
 * characters that reorder or hide text as \u202e-style codes (showInvisible).
 */
export function printable(text: string): string {
  return showInvisible(text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`));
}
