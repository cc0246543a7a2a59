/**
 * Characters that change how the text around them is shown without showing themselves: bidirectional
 * controls (a name can read backwards from the letters it holds: "Trojan Source"), zero-width
 * characters and joiners, the byte order mark. Text taken from input shows each as a `\u202e`-style code.
 */
const invisible = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

export function showInvisible(text: string): string {
  return text.replace(invisible, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
