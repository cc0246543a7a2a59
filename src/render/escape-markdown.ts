/**
 * Escaping for text taken from input (paths, kinds, object ids, rule ids, messages) in the Markdown
 * Gitgate posts to GitHub: such text can never add a heading, a table row, an image, a link or HTML.
 */
import { showInvisible } from "./invisible-characters.js";

/**
 * Line breaks end a table row or a heading, and a blank line ends an HTML block: input gets none. Nor
 * does it get characters that reorder or hide the text around them (showInvisible).
 */
function oneLine(text: string): string {
  return showInvisible(text.replace(/\r\n|\r|\n/g, " "));
}

/** An inline code span holding `text` verbatim, fenced with more backticks than `text` has in a row. */
export function codeSpan(text: string, inTable = false): string {
  let content = oneLine(text);
  // GitHub splits table cells on | before it reads code spans; \| is a | inside the span.
  if (inTable) content = content.replace(/\|/g, "\\|");
  if (content === "") return "` `";
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  // A space on each side is dropped by the renderer: it lets a span start or end with a backtick or space.
  const pad = /^[` ]|[` ]$/.test(content) ? " " : "";
  return `${fence}${pad}${content}${pad}${fence}`;
}

/**
 * Text that renders as itself: every ASCII punctuation character backslash-escaped (no emphasis, link,
 * image, heading, HTML or entity can start), and anything GitHub would turn into a link by itself (a
 * URL, www., an e-mail address) set in a code span instead.
 */
export function markdownText(text: string, inTable = false): string {
  const line = oneLine(text);
  let out = "";
  let at = 0;
  for (const match of line.matchAll(linkLike)) {
    out += escapePunctuation(line.slice(at, match.index)) + codeSpan(match[0], inTable);
    at = match.index + match[0].length;
  }
  return out + escapePunctuation(line.slice(at));
}

/** Text inside an HTML element (the preview's <summary>): entities for markup, no line breaks. */
export function htmlText(text: string): string {
  return oneLine(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

// Bounded where a try could otherwise scan to the end of the text from every position.
const linkLike = /\b[A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/\S*|\bwww\.\S*|\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+/g;

function escapePunctuation(text: string): string {
  return text.replace(/[!-/:-@[-`{-~]/g, "\\$&");
}
