import type { Evidence, FilesRecord, PullRecord } from "../engine/evidence/assemble-evidence.js";
import { codeSpan, markdownText } from "./escape-markdown.js";

/** Who produced the record, and for what: printed at its top so the document stands on its own. */
export interface EvidenceHeading {
  repository: string;
  since: string;
  until: string | undefined;
  generatedAt: string;
  tool: string;
  appId: number | undefined;
  notes: readonly string[];
}

const short = (sha: string) => codeSpan(sha.slice(0, 12));
/** A GitHub login. */
const person = (login: string | null) => (login === null ? "unknown" : `@${markdownText(login)}`);
/** A commit's author: the account GitHub matched to its e-mail, else the name the commit gives, which anyone can write. */
const author = (commit: { author: string; authorMatched: boolean }) =>
  commit.authorMatched ? person(commit.author) : `${markdownText(commit.author)} (the name in the commit: no GitHub account matched its e-mail)`;

/**
 * The evidence as a Markdown document an auditor can file: every pull request that changed the branch
 * in the period, then every bypass. Everything taken from GitHub (titles, logins, paths, messages) is
 * escaped: a title can never add a heading, a link or a row.
 */
export function renderEvidenceMarkdown(evidence: Evidence, heading: EvidenceHeading): string {
  const bypassed = evidence.bypasses.length;
  const lines = [
    `# Change evidence: ${codeSpan(heading.repository)}, branch ${codeSpan(evidence.branch)}`,
    "",
    `- Period: ${heading.since} to ${heading.until ?? `${heading.generatedAt} (when generated)`}`,
    `- Generated: ${heading.generatedAt} by ${heading.tool}, from GitHub's records; check runs trusted from ${heading.appId === undefined ? "no App (none published gitgate/validate)" : `GitHub App ${heading.appId}`}`,
    `- ${evidence.commits} commit${evidence.commits === 1 ? "" : "s"} reached ${codeSpan(evidence.branch)}; ${evidence.pulls.length} pull request${evidence.pulls.length === 1 ? "" : "s"} brought them; ${bypassed} bypass${bypassed === 1 ? "" : "es"}`,
    `- Required of each merge: ${evidence.requireApproval ? "`gitgate/validate` and `gitgate/approval`" : "`gitgate/validate` (the config as the period ended asks for no approvals)"}; approvals on record are each reviewer's latest review before the merge, and which of them counted is the verdict of \`gitgate/approval\``,
    `- Verdict: ${bypassed === 0 ? "**PASS**: every commit came through a pull request Gitgate passed" : `**FAIL**: ${bypassed} commit${bypassed === 1 ? "" : "s"} reached the branch outside a pull request Gitgate passed`}`,
    ...heading.notes.map((note) => `- Note: ${markdownText(note)}`),
    "",
    "## Pull requests",
    "",
  ];
  if (evidence.pulls.length === 0) lines.push("None in the period.", "");
  for (const pull of evidence.pulls) lines.push(...pullSection(pull));
  lines.push("## Bypasses", "");
  if (bypassed === 0) lines.push("None in the period.", "");
  for (const bypass of evidence.bypasses) {
    lines.push(
      `### ${short(bypass.sha)} ${markdownText(bypass.subject)}`,
      "",
      `- Author: ${author(bypass)}, ${bypass.date}`,
      `- Pull request: ${bypass.pull === null ? "none" : `#${bypass.pull}`}`,
      ...bypass.reasons.map((reason) => `- Why: ${markdownText(reason)}`),
      "",
      ...filesSection(bypass.changed, "Files it changed"),
    );
  }
  return `${lines.join("\n").replace(/\n+$/, "")}\n`;
}

function pullSection(pull: PullRecord): string[] {
  const approvals = pull.approvals.map((a) => `${person(a.reviewer)} on ${short(a.commit)} at ${a.submittedAt} (${a.ofMergedHead ? "the merged head" : "an earlier commit"})`);
  return [
    `### #${pull.pull} ${markdownText(pull.title)}`,
    "",
    `- Link: ${codeSpan(pull.url)}`,
    `- Author: ${person(pull.author)}`,
    `- Merged by: ${person(pull.mergedBy)} at ${pull.mergedAt ?? "unknown"}${pull.method ? ` (${pull.method})` : ""}, head ${short(pull.mergedHead)}`,
    `- Approvals on record at the merge: ${approvals.length > 0 ? approvals.join("; ") : "none"}`,
    ...(pull.changesRequested.length > 0 ? [`- Changes requested by: ${pull.changesRequested.map(person).join(", ")}`] : []),
    `- Checks on the merged head: ${pull.checks.length > 0 ? pull.checks.map((c) => `${codeSpan(c.name)} ${markdownText(c.conclusion)}`).join("; ") : "none"}`,
    `- Verdict: ${pull.verdict === "through-pr" ? "through a pull request Gitgate passed" : "**bypass** (see Bypasses)"}`,
    `- Commits it brought: ${pull.commits.map((c) => `${short(c.sha)} by ${author(c)}`).join("; ")}`,
    "",
    ...filesSection(pull.changed, "Files it changed"),
  ];
}

function filesSection(changed: FilesRecord, title: string): string[] {
  const count = `${changed.files.length}${changed.complete ? "" : "+, GitHub lists no more"}`;
  return [
    `${title} (${count}):`,
    "",
    ...changed.files.map((f) => `- ${f.status} ${codeSpan(f.path)}${f.previousPath !== undefined ? ` (from ${codeSpan(f.previousPath)})` : ""}`),
    "",
  ];
}
