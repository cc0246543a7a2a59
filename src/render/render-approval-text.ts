import type { ApprovalVerdict, IgnoreReason, RuleVerdict } from "../engine/approvals/approval-types.js";
import { approvalTitle, type WithCodeOwnersProblems } from "./render-approval-markdown.js";
import { printable } from "./terminal-text.js";

const reasonText: Record<IgnoreReason, string> = {
  author: "author of the pull request",
  contributor: "authored or committed a commit of the pull request",
  pusher: "pushed to the pull request's branch",
  bot: "a bot",
  "no-write-access": "no write access",
  "not-eligible": "not among the rule's users or teams",
  stale: "approved an older commit whose governed change differs",
  retargeted: "approved before the pull request's base changed",
  "changes-requested": "requested changes after approving",
  dismissed: "review dismissed",
};

/** `gitgate approvals` as a terminal shows it: the same facts as the check run's summary, in plain text. */
export function renderApprovalText(verdict: ApprovalVerdict & WithCodeOwnersProblems, heading: string): string {
  const lines = [`${heading}: ${verdict.status.toUpperCase()} — ${approvalTitle(verdict)}`];
  for (const rule of verdict.rules) {
    lines.push("", `  ${rule.status.padEnd(9)} ${rule.name}: ${rule.approvers.length} of ${rule.required}${rule.kind === "control-plane" ? " (control plane change)" : ""}`);
    lines.push(`            files: ${rule.files.slice(0, 10).join(", ")}${rule.files.length > 10 ? ` and ${rule.files.length - 10} more` : ""}`);
    lines.push(`            approved by: ${rule.approvers.length > 0 ? rule.approvers.map((u) => `@${u}`).join(", ") : "nobody yet"}`);
    if (rule.blockedBy.length > 0) lines.push(`            changes requested by: ${rule.blockedBy.map((u) => `@${u}`).join(", ")}`);
    if (rule.status !== "satisfied") lines.push(`            can still approve: ${candidates(rule)}`);
    for (const ignored of rule.ignored) lines.push(`            not counted: @${ignored.user} (${reasonText[ignored.reason]}; reviewed ${ignored.commitId.slice(0, 7)})`);
  }
  for (const problem of verdict.codeOwners?.problems ?? []) lines.push("", `  warning   ${verdict.codeOwners!.path}:${problem.line}: ${problem.message}`);
  // Rule names, paths and CODEOWNERS text come from the repository: no escape sequence reaches the terminal.
  return `${printable(lines.join("\n"))}\n`;
}

function candidates(rule: RuleVerdict): string {
  if (rule.candidates.anyoneWithWrite) return "anyone with write access who is not the author or a contributor";
  const named = [...rule.candidates.users.map((u) => `@${u}`), ...rule.candidates.teams.map((t) => `members of ${t}`)];
  return named.length > 0 ? named.join(", ") : "nobody: the rule names no one who may approve this change";
}
