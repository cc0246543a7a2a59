import type { Evaluation } from "./check-command.js";

/**
 * The control-plane loaders and the engine word their messages for a change (the App, `check`), where
 * the config, schemas and policies are read at the base commit. `validate` reads them from the working
 * tree and has no base: its output must not send the user looking for one.
 */
const baseWording = (where: string): [RegExp, string][] => [
  [/\bat the base commit\b/, where],
  [/^Gitgate config at the base is invalid$/, "Gitgate config is invalid"],
];

/** `where`: "in the working tree", or "in the staged files" for `validate --staged`. */
export function inSnapshotWords(evaluation: Evaluation, where = "in the working tree"): Evaluation {
  const reword = (text: string) => baseWording(where).reduce((out, [pattern, words]) => out.replace(pattern, words), text);
  const { report } = evaluation;
  return { ...evaluation, report: { ...report, title: reword(report.title), findings: report.findings.map((f) => ({ ...f, message: reword(f.message) })) } };
}
