import { marked } from "marked";

const alertTitles: Record<string, string> = { NOTE: "Note", TIP: "Tip", IMPORTANT: "Important", WARNING: "Warning", CAUTION: "Caution" };

/**
 * A PR comment's Markdown as GitHub shows it: line breaks kept (comments are not files), `<details>`
 * left collapsed, and `> [!CAUTION]`-style alerts drawn as GitHub's coloured callouts rather than as a
 * quote that starts with "[!CAUTION]".
 */
export function githubCommentHtml(markdown: string): string {
  const html = marked.parse(markdown, { async: false, breaks: true, gfm: true });
  return html.replace(/<blockquote>\s*<p>\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\](?:<br>)?\s*/g, (_, type: string) =>
    `<blockquote class="alert alert-${type.toLowerCase()}"><p class="alert-title">${alertTitles[type]}</p><p>`,
  );
}
