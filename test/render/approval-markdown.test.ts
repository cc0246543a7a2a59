import { marked } from "marked";
import { describe, expect, it } from "vitest";
import type { ApprovalVerdict, RuleVerdict } from "../../src/engine/approvals/approval-types.js";
import { approvalTitle, renderApprovalMarkdown } from "../../src/render/render-approval-markdown.js";

const rule = (extra: Partial<RuleVerdict>): RuleVerdict => ({
  name: "production", kind: "rule", files: ["clusters/production/api.yaml"], required: 2, status: "waiting",
  approvers: [], blockedBy: [], ignored: [], candidates: { users: [], teams: ["platform-leads"], anyoneWithWrite: false }, ...extra,
});

describe("gitgate/approval summary", () => {
  it("names who approved, who still can, and why each ignored approval did not count", () => {
    const verdict: ApprovalVerdict = {
      status: "waiting",
      rules: [
        rule({ approvers: ["carol"], ignored: [{ user: "alice", reason: "author", commitId: "0123456789abcdef" }, { user: "bob", reason: "stale", commitId: "fedcba9876543210" }] }),
        rule({ name: "default", required: 1, status: "satisfied", approvers: ["carol"], candidates: { users: [], teams: [], anyoneWithWrite: true } }),
      ],
    };
    expect(approvalTitle(verdict)).toBe("Waiting for 1 more (production)");
    expect(renderApprovalMarkdown(verdict)).toBe([
      "## ⏳ gitgate/approval: Waiting for 1 more \\(production\\)",
      "",
      "### ⏳ production: 1 of 2",
      "",
      "- Files: `clusters/production/api.yaml`",
      "- Approved by: @carol",
      "- Can still approve: members of `platform-leads`",
      "- Not counted: @alice (author of the pull request; reviewed `0123456`)",
      "- Not counted: @bob (approved an older commit whose governed change differs; reviewed `fedcba9`)",
      "",
      "### ✅ default: 1 of 1",
      "",
      "- Files: `clusters/production/api.yaml`",
      "- Approved by: @carol",
      "",
    ].join("\n"));
  });

  it("says who blocks, and escapes rule names that come from the config", async () => {
    const verdict: ApprovalVerdict = { status: "blocked", rules: [rule({ name: "## fake [link](http://x)", status: "blocked", blockedBy: ["dave"] })] };
    expect(approvalTitle(verdict)).toBe("Blocked: changes requested by @dave");
    const markdown = renderApprovalMarkdown(verdict);
    // Rendered, the rule name is text: no heading of its own, no link.
    const html = await marked.parse(markdown);
    expect(html).toContain("<h3>⛔ ## fake [link](<code>http://x)</code>: 0 of 2</h3>");
    expect(html).not.toContain("<a ");
    expect(approvalTitle({ status: "satisfied", rules: [] })).toBe("No approval rule applies to this change");
  });
});
