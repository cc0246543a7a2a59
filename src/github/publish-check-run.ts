import type { Finding, Severity } from "../engine/finding.js";
import type { Report } from "../engine/report.js";
import { checkRunTextLimit, renderMarkdown } from "../render/render-markdown.js";
import { renderPreviewMarkdown } from "../render/render-preview-markdown.js";
import { checkNames, type GitHub, type RepoRef } from "./github-types.js";

/** GitHub takes at most 50 annotations per request; more are appended by further updates. */
const annotationsPerRequest = 50;
/** Beyond this, annotations stop helping: the summary lists the rest. */
const maxAnnotations = 1000;

const level: Record<Severity, "failure" | "warning" | "notice"> = { error: "failure", warning: "warning", notice: "notice" };

export const rerunAction = { label: "Re-run", description: "Evaluate this change again", identifier: "rerun" } as const;

/** Marks the head's check run in progress, creating it unless Gitgate already has one on that commit. */
export async function startCheckRun(github: GitHub, repo: RepoRef, headSha: string, existingId: number | undefined): Promise<number> {
  const started_at = new Date().toISOString();
  if (existingId !== undefined) {
    await github.rest.checks.update({ ...repoParams(repo), check_run_id: existingId, status: "in_progress", started_at });
    return existingId;
  }
  const { data } = await github.rest.checks.create({ ...repoParams(repo), name: checkNames.validate, head_sha: headSha, status: "in_progress", started_at });
  return data.id;
}

/** The check run of a commit that is not a PR head (merge groups): found through the REST listing. */
export async function findCheckRun(github: GitHub, repo: RepoRef, sha: string, appId: number): Promise<number | undefined> {
  const { data } = await github.rest.checks.listForRef({ ...repoParams(repo), ref: sha, check_name: checkNames.validate, app_id: appId, per_page: 1 });
  return data.check_runs[0]?.id;
}

/**
 * Completes the check run with the verdict: summary (counts and findings), the preview as text,
 * annotations on the exact lines (most severe first, 50 per request) and a Re-run button.
 */
export async function completeCheckRun(github: GitHub, repo: RepoRef, id: number, report: Report): Promise<void> {
  const annotations = report.findings.filter((f) => f.path !== "").slice(0, maxAnnotations).map(toAnnotation);
  const output = { title: report.title, summary: summaryOf(report), text: renderPreviewMarkdown(report, checkRunTextLimit) };
  await github.rest.checks.update({
    ...repoParams(repo),
    check_run_id: id,
    status: "completed",
    conclusion: report.conclusion,
    completed_at: new Date().toISOString(),
    output: { ...output, annotations: annotations.slice(0, annotationsPerRequest) },
    actions: [rerunAction],
  });
  for (let start = annotationsPerRequest; start < annotations.length; start += annotationsPerRequest) {
    await github.rest.checks.update({
      ...repoParams(repo),
      check_run_id: id,
      output: { title: output.title, summary: output.summary, annotations: annotations.slice(start, start + annotationsPerRequest) },
    });
  }
}

/** When Gitgate cannot decide, its check fails and says why: never neutral, never left in progress. */
export async function failCheckRun(github: GitHub, repo: RepoRef, id: number, reason: string): Promise<void> {
  await github.rest.checks.update({
    ...repoParams(repo),
    check_run_id: id,
    status: "completed",
    conclusion: "failure",
    completed_at: new Date().toISOString(),
    output: {
      title: "Could not evaluate",
      summary: `Gitgate could not evaluate this change, so it cannot pass it.\n\n**Reason:** ${reason.slice(0, 2000)}\n\nUse **Re-run** once the cause is fixed.`,
    },
    actions: [rerunAction],
  });
}

function summaryOf(report: Report): string {
  const digests = Object.entries(report.controlPlane.digests)
    .map(([path, digest]) => `| \`${path}\` | \`${digest.slice(0, 12)}\` |`)
    .join("\n");
  const record = `\n\n<details><summary>Judged at base <code>${report.base.slice(0, 12)}</code> with this control plane</summary>\n\n| file | sha256 |\n| --- | --- |\n${digests}\n\n</details>\n`;
  return renderMarkdown(report, checkRunTextLimit - record.length) + record;
}

function toAnnotation(f: Finding) {
  const sameLine = f.line === f.endLine;
  return {
    path: f.path,
    start_line: f.line,
    end_line: Math.max(f.line, f.endLine),
    ...(sameLine ? { start_column: f.column, end_column: Math.max(f.column, f.endColumn) } : {}),
    annotation_level: level[f.severity],
    title: `${f.rule}${f.status === "existing" ? " (existing)" : ""}`,
    message: f.message,
  };
}

function repoParams(repo: RepoRef) {
  return { owner: repo.owner, repo: repo.repo };
}
