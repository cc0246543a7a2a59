import { compareFindings, fileStart, type Finding } from "../engine/finding.js";
import { summarize } from "../engine/report.js";
import type { Evaluation } from "./check-command.js";

/**
 * A validate run that checked no file says so in every format: a warning finding `validate/nothing`
 * (so JSON, Markdown and SARIF carry it) and a title that cannot be read as "all valid". A hook or CI
 * job whose paths or globs select nothing would otherwise pass while guarding nothing. The exit status
 * stays 0: a commit that touches no governed file is not an error.
 */
export function reportNothingValidated(evaluation: Evaluation, pathsNamed: boolean, where = "in the working tree"): Evaluation {
  const { report } = evaluation;
  if (report.summary.governedFiles > 0 || evaluation.controlPlaneBroken) return evaluation;
  const config = report.controlPlane.defaulted ? "the built-in default config" : report.controlPlane.configPath;
  const finding: Finding = {
    severity: "warning", rule: "validate/nothing", source: "config", status: "new", path: report.controlPlane.configPath, ...fileStart,
    message: pathsNamed
      ? `No file was validated: none of the paths given is a file ${config} governs.`
      : `No file was validated: no file ${where} is governed by ${config} (its files and ignore globs).`,
  };
  const findings = [...report.findings, finding].sort(compareFindings);
  const { changedFiles, governedFiles, documents } = report.summary;
  return {
    ...evaluation,
    report: { ...report, findings, summary: summarize(findings, { changedFiles, governedFiles, documents }), title: report.conclusion === "success" ? "No file was validated" : report.title },
  };
}
