import type { Evaluation } from "./check-command.js";

/**
 * The control-plane loaders and the engine word their messages for a change (the App, `check`), where
 * the config, schemas and policies are read at the base commit. `validate` reads them from the working
 * tree and has no base: its output must not send the user looking for one.
 */
const baseWording: readonly [RegExp, string][] = [
  [/\bat the base commit\b/, "in the working tree"],
  [/^Gitgate config at the base is invalid$/, "Gitgate config is invalid"],
];

export function inWorkingTreeWords(evaluation: Evaluation): Evaluation {
  const reword = (text: string) => baseWording.reduce((out, [pattern, words]) => out.replace(pattern, words), text);
  const { report } = evaluation;
  return { ...evaluation, report: { ...report, title: reword(report.title), findings: report.findings.map((f) => ({ ...f, message: reword(f.message) })) } };
}
