import { marked } from "marked";
import { describe, expect, it } from "vitest";
import { codeSpan, htmlText, markdownText } from "../../src/render/escape-markdown.js";
import { printable } from "../../src/render/terminal-text.js";

const html = (markdown: string) => marked.parseInline(markdown) as string;

describe("escaping input for Markdown", () => {
  it("code spans hold any text verbatim, backticks included", () => {
    for (const text of ["plain", "a`b", "``x``", "`start", "end`", " both ", ""]) {
      const rendered = html(codeSpan(text));
      expect(rendered).toMatch(/^<code>[\s\S]*<\/code>$/);
      expect(rendered.replace(/^<code>|<\/code>$/g, "").replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&")).toBe(text === "" ? " " : text);
    }
  });

  it("text renders as itself: no emphasis, link, image, HTML or heading", () => {
    const text = "# *bold* _it_ [l](https://evil.example) ![i](x.png) <b>x</b> &amp; www.evil.example me@evil.example";
    const rendered = html(markdownText(text));
    expect(rendered).not.toMatch(/<(?:em|strong|a|img|b)\b/);
    expect(rendered).toContain("&lt;b&gt;");
    expect(rendered.replace(/<\/?code>/g, "")).toContain("# *bold* _it_ [l](https://evil.example)");
  });

  // "k8s/\u202eexe.yaml" shows as "k8s/lmay.exe" on GitHub and in a terminal: such characters are shown as codes.
  it("shows characters that reorder or hide text as codes, in Markdown and on a terminal", () => {
    const name = "k8s/\u202eexe.yaml\u200b\u2066";
    expect(html(markdownText(name))).toBe("k8s/\\u202eexe.yaml\\u200b\\u2066");
    expect(codeSpan(name)).toBe("`k8s/\\u202eexe.yaml\\u200b\\u2066`");
    expect(printable(`${name}\x1b[2J`)).toBe("k8s/\\u202eexe.yaml\\u200b\\u2066\\x1b[2J");
  });

  it("never lets input break a table row or an HTML block", () => {
    expect(markdownText("a|b\n\n## h", true)).toBe("a\\|b  \\#\\# h");
    expect(codeSpan("a|b", true)).toBe("`a\\|b`");
    expect(htmlText("<x>\n\n\"y\"")).toBe("&lt;x&gt;  &quot;y&quot;");
  });
});
