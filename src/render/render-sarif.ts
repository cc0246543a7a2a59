import type { Log, ReportingDescriptor, Result } from "sarif";
import type { Severity } from "../engine/finding.js";
import type { Report } from "../engine/report.js";
import { projectUrl, ruleDocOf, ruleDocUrl } from "./rules/rule-catalog.js";
import { toolVersion } from "./tool-version.js";

const level: Record<Severity, Result.level> = { error: "error", warning: "warning", notice: "note" };

/** SARIF 2.1.0, for code-scanning upload: one run, one rule per rule id, paths relative to the repo root. */
export function renderSarif(report: Report): string {
  const ruleIds = [...new Set(report.findings.map((f) => f.rule))].sort();
  const rules: ReportingDescriptor[] = ruleIds.map((id) => {
    // Built-in rules link to their section of docs/rules.md; a repository's own rules have no page there.
    const doc = ruleDocOf(id);
    const helpUri = ruleDocUrl(id);
    return {
      id,
      name: id.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase()),
      shortDescription: { text: doc ? doc.title : `Rule ${id} of the repository's policies` },
      ...(doc ? { fullDescription: { text: doc.description }, help: { text: `How to fix: ${doc.fix}` } } : {}),
      ...(helpUri ? { helpUri } : {}),
    };
  });
  const results: Result[] = report.findings.map((f) => ({
    ruleId: f.rule,
    ruleIndex: ruleIds.indexOf(f.rule),
    level: level[f.severity],
    message: { text: f.message },
    baselineState: f.status === "existing" ? "unchanged" : "new",
    locations: [
      {
        physicalLocation: {
          // Code scanning refuses an upload with an empty uri: a finding about the change as a whole
          // (path "") is placed on the config, where the policies that judge changes are named.
          artifactLocation: { uri: encodeURI(f.path === "" ? report.controlPlane.configPath : f.path), uriBaseId: "%SRCROOT%" },
          region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: Math.max(f.endColumn, f.endLine === f.line ? f.column : 1) },
        },
      },
    ],
    partialFingerprints: { "gitgate/v1": [f.rule, f.path, f.pointer ?? "", f.message].join("|") },
  }));
  const log: Log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "gitgate", version: toolVersion, informationUri: projectUrl, rules } },
        originalUriBaseIds: { "%SRCROOT%": { description: { text: "The root of the checked repository." } } },
        // Said outside the results too: a run on the built-in defaults is not judged by the repository's rules.
        ...(report.controlPlane.defaulted
          ? { invocations: [{ executionSuccessful: true, toolConfigurationNotifications: [{ level: "warning" as const, message: { text: `Judged by Gitgate's built-in default config: no ${report.controlPlane.configPath} in the repository.` } }] }] }
          : {}),
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}
