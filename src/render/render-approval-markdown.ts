import type { ApprovalVerdict, IgnoreReason, RuleVerdict } from "../engine/approvals/approval-types.js";
import { codeSpan, markdownText } from "./escape-markdown.js";

const statusIcon: Record<RuleVerdict["status"], string> = { satisfied: "✅", waiting: "⏳", blocked: "⛔" };

const reasonText: Record<IgnoreReason, string> = {
  author: "author of the pull request",
  contributor: "authored or committed a commit of the pull request",
  pusher: "pushed to the pull request's branch",
  bot: "a bot",
  "no-write-access": "no write access to the repository",
  "not-eligible": "not among the rule's users or teams",
  stale: "approved an older commit whose governed change differs",
  retargeted: "approved before the pull request's base changed",
  "changes-requested": "requested changes after approving",
  dismissed: "review dismissed",
};

/** The title of the `gitgate/approval` check run: one line a reviewer reads first. */
export function approvalTitle(verdict: ApprovalVerdict): string {
  if (verdict.rules.length === 0) return "No approval rule applies to this change";
  if (verdict.status === "blocked") return `Blocked: changes requested by ${blockers(verdict).join(", ")}`;
  const waiting = verdict.rules.filter((r) => r.status !== "satisfied");
  if (waiting.length === 0) return `Approved: ${verdict.rules.length === 1 ? "the rule" : `all ${verdict.rules.length} rules`} satisfied`;
  return `Waiting for ${waiting.map((r) => `${r.required - r.approvers.length} more (${r.name})`).join(", ")}`;
}

/** CODEOWNERS lines GitHub ignores, which the verdict carries when `codeowners: true`. */
export interface WithCodeOwnersProblems {
  codeOwners?: { path: string; problems: readonly { line: number; message: string }[] };
}

/**
 * The check run's summary: each rule, who approved, who still can, every approval that did not count,
 * and the CODEOWNERS lines GitHub ignores (whoever fixes the file needs to see them; so does a reviewer
 * wondering why an owner was not asked).
 */
export function renderApprovalMarkdown(verdict: ApprovalVerdict & WithCodeOwnersProblems): string {
  const lines = [`## ${verdict.status === "satisfied" ? "✅" : statusIcon[verdict.status]} gitgate/approval: ${markdownText(approvalTitle(verdict))}`, ""];
  for (const rule of verdict.rules) {
    lines.push(`### ${statusIcon[rule.status]} ${markdownText(rule.name)}: ${rule.approvers.length} of ${rule.required}${rule.kind === "control-plane" ? " (control plane change)" : ""}`, "");
    lines.push(`- Files: ${fileList(rule.files)}`);
    lines.push(`- Approved by: ${rule.approvers.length > 0 ? rule.approvers.map(login).join(", ") : "nobody yet"}`);
    if (rule.blockedBy.length > 0) lines.push(`- Changes requested by: ${rule.blockedBy.map(login).join(", ")}`);
    if (rule.status !== "satisfied") lines.push(`- Can still approve: ${candidates(rule)}`);
    for (const ignored of rule.ignored) {
      lines.push(`- Not counted: ${login(ignored.user)} (${reasonText[ignored.reason]}; reviewed ${codeSpan(ignored.commitId.slice(0, 7))})`);
    }
    lines.push("");
  }
  const problems = verdict.codeOwners?.problems ?? [];
  if (problems.length > 0) {
    lines.push(`### ⚠️ ${codeSpan(verdict.codeOwners!.path)}: ${problems.length === 1 ? "1 line" : `${problems.length} lines`} not applied`, "");
    for (const problem of problems.slice(0, 50)) lines.push(`- Line ${problem.line}: ${markdownText(problem.message)}`);
    if (problems.length > 50) lines.push(`- and ${problems.length - 50} more`);
    lines.push("");
  }
  return lines.join("\n");
}

function blockers(verdict: ApprovalVerdict): string[] {
  return [...new Set(verdict.rules.flatMap((r) => r.blockedBy))].map(login);
}

function candidates(rule: RuleVerdict): string {
  if (rule.candidates.anyoneWithWrite) return "anyone with write access who is not the author or a contributor";
  const named = [...rule.candidates.users.map(login), ...rule.candidates.teams.map((t) => `members of ${codeSpan(t)}`)];
  return named.length > 0 ? named.join(", ") : "nobody: the rule names no one who may approve this change";
}

function fileList(files: readonly string[]): string {
  const shown = files.slice(0, 10).map((f) => codeSpan(f));
  return files.length > 10 ? `${shown.join(", ")} and ${files.length - 10} more` : shown.join(", ");
}

/** Logins are `[A-Za-z0-9-]` (plus `[bot]`), but escaped all the same: they come from outside. */
function login(user: string): string {
  return `@${markdownText(user)}`;
}
