import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/engine/finding.js";
import { emptyDiff, type Report } from "../../src/engine/report.js";
import { renderJson } from "../../src/render/render-json.js";
import { renderMarkdown } from "../../src/render/render-markdown.js";
import { renderSarif } from "../../src/render/render-sarif.js";
import { renderText } from "../../src/render/render-text.js";
import { sarifStructure } from "../support/sarif-structure.js";

const finding = (overrides: Partial<Finding> = {}): Finding => ({
  severity: "error", rule: "schema/type", message: "spec.replicas must be an integer (Kubernetes apps/v1 Deployment)",
  path: "clusters/prod/web.yaml", line: 9, column: 13, endLine: 9, endColumn: 16, pointer: "/spec/replicas",
  document: 0, source: "schema", status: "new", ...overrides,
});

const report = (findings: Finding[]): Report => ({
  conclusion: findings.some((f) => f.severity === "error" && f.status === "new") ? "failure" : "success",
  title: "1 new error", mode: "change", base: "a".repeat(40), head: "b".repeat(40), failOn: "new",
  summary: { changedFiles: 2, governedFiles: 2, documents: 3, errors: 1, warnings: 1, notices: 0, newErrors: 1, existingErrors: 0 },
  findings,
  snippets: { "clusters/prod/web.yaml": { 9: '  replicas: "12"' } },
  diff: emptyDiff,
  controlPlane: { configPath: ".github/gitgate.yml", defaulted: false, digests: {}, changed: [] },
});

const sample = report([
  finding(),
  finding({ severity: "warning", rule: "yaml/yaml11-boolean", message: "Unquoted 'on' …", line: 12, column: 10, endColumn: 12, status: "existing", source: "parse" }),
]);

describe("renderers", () => {
  it("text: groups by file, shows the source line with a caret, no colour off a terminal", () => {
    const text = renderText(sample, { color: false });
    expect(text).toContain("FAIL gitgate/validate: 1 new error");
    expect(text).toContain(
      [
        "clusters/prod/web.yaml",
        "  9:13     error   spec.replicas must be an integer (Kubernetes apps/v1 Deployment)  schema/type",
        '     9 |   replicas: "12"',
        "       |             ^^^",
      ].join("\n"),
    );
    expect(text).not.toMatch(/\x1b\[/);
    expect(renderText(sample, { color: true })).toMatch(/\x1b\[/);
  });

  it("json: carries the contract fields", () => {
    const json = JSON.parse(renderJson(sample));
    expect(json.conclusion).toBe("failure");
    expect(json.findings[0]).toEqual({
      severity: "error", rule: "schema/type", message: "spec.replicas must be an integer (Kubernetes apps/v1 Deployment)",
      path: "clusters/prod/web.yaml", line: 9, column: 13, endLine: 9, endColumn: 16, pointer: "/spec/replicas", document: 0,
      source: "schema", status: "new",
    });
    expect(json).not.toHaveProperty("snippets");
  });

  it("sarif: passes a structural check against SARIF 2.1.0", () => {
    const sarif = JSON.parse(renderSarif(sample));
    const ajv = new Ajv({ allErrors: true, strict: false });
    const valid = ajv.validate(sarifStructure, sarif);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(sarif.runs[0].results.map((r: { level: string; baselineState: string }) => [r.level, r.baselineState])).toEqual([
      ["error", "new"],
      ["warning", "unchanged"],
    ]);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: "clusters/prod/web.yaml", uriBaseId: "%SRCROOT%" },
      region: { startLine: 9, startColumn: 13, endLine: 9, endColumn: 16 },
    });
  });

  // Code scanning refuses a SARIF upload holding a result whose location has an empty uri: a finding
  // about the change as a whole (a change-set policy's) made the whole upload fail.
  it("sarif: a finding about the change as a whole is placed on the config's first line", () => {
    const whole = finding({ rule: "gitgate/deny", message: "three files changed at once", path: "", line: 1, column: 1, endLine: 1, endColumn: 1, source: "policy" });
    const sarif = JSON.parse(renderSarif(report([whole])));
    expect(sarif.runs[0].results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: ".github/gitgate.yml", uriBaseId: "%SRCROOT%" },
      region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
    });
  });

  it("markdown: a table, escaped, and cut within the limit saying how much was left out", () => {
    const md = renderMarkdown(report([finding({ message: "a | b <script>" })]));
    expect(md).toContain("| ❌ error | `clusters/prod/web.yaml:9:13` | `schema/type` | a \\| b \\<script\\> |");
    const many = report(Array.from({ length: 2000 }, (_, i) => finding({ line: i + 1 })));
    const cut = renderMarkdown(many, 10_000);
    expect(cut.length).toBeLessThanOrEqual(10_000);
    const shown = cut.split("\n").filter((l) => l.startsWith("| ❌")).length;
    expect(cut).toContain(`_${2000 - shown} more findings not shown: the output limit was reached._`);
  });
});
