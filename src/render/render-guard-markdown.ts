import type { CommitProvenance } from "../engine/guard/guard-types.js";
import { codeSpan, markdownText } from "./escape-markdown.js";

/** A commit as people read it in a guard check or incident. */
export interface GuardCommitInfo {
  sha: string;
  message: string;
  author: string;
  committer: string;
  date: string;
  url: string;
}

/** One incident: what reached the branch outside an approved pull request, who did it, and when. */
export interface IncidentInfo {
  repository: string;
  branch: string;
  /** The commit the incident is named after (the first bypass, or the new tip of a force push). */
  commit: GuardCommitInfo;
  /** Who pushed (the push's sender) or merged (the pull request's merger). */
  actor: string | undefined;
  /** When Gitgate saw it (the push or merge event). */
  seenAt: string;
  /** Each bypassing commit with its reasons; a rewrite says what it removed. */
  bypasses: { commit: GuardCommitInfo; reasons: string[] }[];
  rewrite?: { before: string; removed: number };
  /** The branch was deleted; `commit` is its tip then. */
  deleted?: true;
  pull?: { number: number; url: string };
  compareUrl?: string;
  /** Set once the incident issue and revert pull request exist. */
  issueUrl?: string;
  revertUrl?: string;
}

export interface GuardOutput {
  conclusion: "success" | "failure";
  title: string;
  summary: string;
}

const short = (sha: string) => sha.slice(0, 12);
const firstLine = (message: string) => message.split("\n", 1)[0]!.slice(0, 200);

/** The `gitgate/guard` check of a commit that came through a pull request Gitgate passed. */
export function throughPullOutput(provenance: Extract<CommitProvenance, { verdict: "through-pr" }>, branch: string, pullUrl: string | undefined): GuardOutput {
  const pull = pullUrl ? `[#${provenance.pull}](${pullUrl})` : `#${provenance.pull}`;
  return {
    conclusion: "success",
    title: `Came through pull request #${provenance.pull} (${provenance.method})`,
    summary: `This commit reached ${codeSpan(branch)} through pull request ${pull} (${provenance.method}), whose merged head passed \`gitgate/validate\` and \`gitgate/approval\`.`,
  };
}

/** The failing `gitgate/guard` check of a commit that bypassed the pull request flow. */
export function bypassOutput(incident: IncidentInfo, commit: GuardCommitInfo, reasons: readonly string[]): GuardOutput {
  return {
    conclusion: "failure",
    title: incident.deleted ? `Branch deleted: ${incident.branch}`.slice(0, 1000)
      : incident.rewrite && commit.sha === incident.commit.sha ? `Force push: history of ${incident.branch} rewritten` : `Bypass: ${reasons[0] ?? "not through an approved pull request"}`.slice(0, 1000),
    summary: [`**This commit reached ${codeSpan(incident.branch)} without passing Gitgate.**`, "", ...reasons.map((r) => `- ${markdownText(r)}`), "", details(incident)].join("\n"),
  };
}

/** The `gitgate/guard` check of a commit Gitgate could not verify: never a pass. */
export function undecidedOutput(reason: string): GuardOutput {
  return { conclusion: "failure", title: "Could not verify where this commit came from", summary: `Gitgate could not verify this commit's provenance, so it cannot pass it.\n\n**Reason:** ${markdownText(reason.slice(0, 2000))}` };
}

export function incidentTitle(incident: IncidentInfo): string {
  const what = incident.deleted
    ? `${incident.branch} was deleted (its tip was ${short(incident.commit.sha)})`
    : incident.rewrite ? `force push rewrote ${incident.branch}` : `${incident.branch} received ${short(incident.commit.sha)} outside an approved pull request`;
  return `Gitgate guard: ${what}`.slice(0, 250);
}

/** The incident issue's body (after its hidden marker). */
export function incidentBody(incident: IncidentInfo): string {
  const lines = [`**${incidentTitle(incident).replace(/^Gitgate guard: /, "")}.**`, ""];
  for (const bypass of incident.bypasses) {
    lines.push(`- [${codeSpan(short(bypass.commit.sha))}](${bypass.commit.url}) ${markdownText(firstLine(bypass.commit.message))}`);
    for (const reason of bypass.reasons) lines.push(`  - ${markdownText(reason)}`);
  }
  const next = incident.deleted
    ? `Restore it if it should still be there (${codeSpan(`git push origin ${incident.commit.sha}:refs/heads/${incident.branch}`)}), and keep it from being deleted. Close this issue once it is dealt with.`
    : "Review what reached the branch; if it should not be there, revert it through a pull request (Gitgate judges it like any other). Close this issue once it is dealt with.";
  lines.push("", details(incident), "", next);
  return lines.join("\n");
}

function details(incident: IncidentInfo): string {
  const rows = [
    ["Repository", codeSpan(incident.repository, true)],
    ["Branch", codeSpan(incident.branch, true)],
    ["Who", incident.actor ? markdownText(incident.actor, true) : "unknown"],
    ["When", `${markdownText(incident.seenAt, true)} (commit dated ${markdownText(incident.commit.date || "unknown", true)})`],
    ["Commit", `[${codeSpan(short(incident.commit.sha), true)}](${incident.commit.url}) by ${markdownText(incident.commit.author, true)}: ${markdownText(firstLine(incident.commit.message), true)}`],
  ];
  if (incident.rewrite) rows.push(["Rewritten", `${incident.rewrite.removed} commit(s) of ${codeSpan(short(incident.rewrite.before), true)} are no longer on the branch`]);
  if (incident.pull) rows.push(["Pull request", `[#${incident.pull.number}](${incident.pull.url})`]);
  if (incident.compareUrl) rows.push(["Changes", `[compare](${incident.compareUrl})`]);
  if (incident.issueUrl) rows.push(["Incident", `[issue](${incident.issueUrl})`]);
  if (incident.revertUrl) rows.push(["Revert", `[pull request](${incident.revertUrl})`]);
  return ["| | |", "| --- | --- |", ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join("\n");
}
