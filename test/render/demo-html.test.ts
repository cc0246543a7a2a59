import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderDemoHtml } from "../../src/demo/render-demo-html.js";
import type { DemoResult } from "../../src/demo/run-demo.js";

const comment = readFileSync(new URL("golden/comments/control-plane-tampering.md", import.meta.url), "utf8");
const run = (conclusion: string) => ({ head_sha: "0".repeat(40), conclusion, output: { title: "t", summary: "s", annotations: [] } });

describe("the demo page", () => {
  it("shows the PR comment as GitHub does: <details> collapsed, alerts as callouts", () => {
    const result = {
      number: 1, title: "PR", branch: "b", author: "a", expected: "failure", expectedApproval: undefined, steps: [],
      checkRun: run("failure"), approvalRun: run("action_required"), comment, requests: 1, seconds: 1,
    } as unknown as DemoResult;
    const html = renderDemoHtml([result]);
    const shown = html.slice(html.indexOf('<div class="comment">'));
    expect(shown).not.toContain("<details open");
    expect(shown.match(/<details>/g)?.length).toBe(comment.match(/<details>/g)?.length);
    expect(shown).toContain('<blockquote class="alert alert-caution"><p class="alert-title">Caution</p><p><strong>This PR changes Gitgate&#39;s own rules</strong>');
    expect(shown).not.toContain("[!CAUTION]");
  });
});
