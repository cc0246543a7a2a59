import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Report } from "../../src/engine/report.js";
import { buildExampleRepo, listExamplePrs, type ExamplePr, type ExampleRepo } from "../../src/examples/example-repo.js";
import { renderGitHubOutput } from "../../src/github/check-run-output.js";
import { previewMarker } from "../../src/github/github-types.js";
import { expectGolden } from "../support/golden.js";
import { checkJson } from "../support/run-cli.js";

// The comment each example PR of the demo world gets, from the report the real CLI computes (the App
// renders the same report the same way). Golden files: test/render/golden/comments/<pr>.md.
let prs: ExamplePr[];
let repo: ExampleRepo;
const comments = new Map<string, { comment: string; report: Report }>();

beforeAll(async () => {
  // The example's exception runs until 2027-05-31: judged on a fixed day, the golden files do not age.
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date("2026-12-01T12:00:00Z"));
  prs = await listExamplePrs();
  repo = await buildExampleRepo(prs);
  for (const pr of prs) {
    const { report } = await checkJson(repo.dir, pr.name);
    comments.set(pr.name, { comment: renderGitHubOutput(report).comment, report });
  }
}, 240_000);

afterAll(async () => {
  vi.useRealTimers();
  await repo?.remove();
});

describe("the PR comment of each example PR", () => {
  it("matches its golden file", async () => {
    for (const pr of prs) expectGolden(comments.get(pr.name)!.comment, new URL(`golden/comments/${pr.name}.md`, import.meta.url));
  });

  it("opens with one headline: verdict, counts and what changed in words", () => {
    for (const pr of prs) {
      const { comment, report } = comments.get(pr.name)!;
      const [marker, headline] = comment.split("\n");
      expect(marker).toBe(previewMarker);
      expect(headline).toMatch(report.conclusion === "failure" ? /^### ❌ Fails: / : /^### ✅ Passes: /);
      expect(headline).toContain(" changed");
    }
    expect(comments.get("control-plane-tampering")!.comment.split("\n")[1]).toBe(
      "### ❌ Fails: 1 new error · 1 object changed in production; 1 control-plane file changed",
    );
  });

  it("shows a change to the control plane first, with its lines", () => {
    const { comment } = comments.get("control-plane-tampering")!;
    const controlPlane = comment.indexOf("#### Control plane: `.github/gitgate.yml` (modified)");
    expect(controlPlane).toBeGreaterThan(0);
    expect(comment.indexOf("[!CAUTION]")).toBeLessThan(controlPlane);
    // The lines that stop validating clusters/ and drop the policies are there, before any object.
    expect(comment).toContain('\n+ignore: ["docs/**", "clusters/**"]\n');
    expect(comment).toContain("\n-policies:\n");
    expect(controlPlane).toBeLessThan(comment.indexOf("apps/v1 Deployment orders/api"));
  });

  it("lists each finding once, under its object, linked to its rule's docs, with how to fix or waive errors", () => {
    const { comment, report } = comments.get("policy-violation")!;
    for (const finding of report.findings) {
      const line = comment.split("\n").filter((l) => l.startsWith("- ") && l.includes(`line ${finding.line}:`) && l.includes(finding.rule));
      expect(line, finding.rule).toHaveLength(1);
    }
    expect(comment).not.toMatch(/^\|/m); // no tables
    expect(comment).toContain("[`k8s/image-tag`](https://github.com/gitgate/gitgate/blob/main/docs/rules.md#k8simage-tag) line 29");
    expect(comment).toContain("  - How to fix: Set the image to a version tag");
    expect(comment).toContain('  - rule: "k8s/privileged"\n    object: { kind: "Deployment", namespace: "web", name: "web" }');
    expect(comment).toContain("Add to `.github/gitgate-exceptions.yml`");
  });

  it("collapses the changes that need nothing, as GitHub shows <details>", () => {
    const { comment } = comments.get("clean")!;
    expect(comment).toContain("<details>\n<summary><b>changed</b> <code>apps/v1 Deployment web/web</code> in <code>clusters/production/web.yaml</code> line 8</summary>");
    expect(comment).not.toContain("<details open");
  });
});

describe("control-plane lines in the comment", () => {
  it("are scrubbed like every other output, and a redacted file's lines are not shown", async () => {
    const { evaluate } = await import("../support/evaluate.js");
    const { renderComment } = await import("../../src/render/render-comment.js");
    const config = "version: 1\npreview:\n  redact: ['policy/data/**']\npolicies:\n  data: [policy/data/]\n";
    const token = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";
    const report = await evaluate(
      { ".github/gitgate.yml": config, "policy/data/teams.yaml": "owners: [a]\n" },
      { ".github/gitgate.yml": `${config}# token: ${token}\n`, "policy/data/teams.yaml": "owners: [a, b]\n" },
    );
    const comment = renderComment(report);
    expect(comment).toContain("#### Control plane: `.github/gitgate.yml` (modified)");
    expect(comment).toContain("+# token: ");
    expect(comment).not.toContain(token);
    expect(comment).toContain("#### Control plane: `policy/data/teams.yaml` (modified)\n\nLines not shown: the file matches preview\\.redact. See the PR");
    expect(comment).not.toContain("owners: [a, b]");
  });
});
