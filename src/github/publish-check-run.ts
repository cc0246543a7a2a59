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

/** One base a head commit was judged against (a PR into it). */
export interface JudgedBase {
  pullNumber: number;
  baseRef: string;
  report: Report;
}

/**
 * Completes the check run with the verdict: summary (counts and findings), the preview as text,
 * annotations on the exact lines (most severe first, 50 per request) and a Re-run button.
 * A head open into several bases gets one verdict for all: failure if any base fails it, a summary
 * section per base, and the annotations of each (marked with their base).
 */
export async function completeCheckRun(github: GitHub, repo: RepoRef, id: number, judged: Report | readonly JudgedBase[]): Promise<void> {
  const { conclusion, output, annotations } = "conclusion" in judged ? single(judged) : several(judged);
  await github.rest.checks.update({
    ...repoParams(repo),
    check_run_id: id,
    status: "completed",
    conclusion,
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

function single(report: Report) {
  return {
    conclusion: report.conclusion,
    output: { title: report.title, summary: summaryOf(report), text: renderPreviewMarkdown(report, checkRunTextLimit) },
    annotations: report.findings.filter((f) => f.path !== "").slice(0, maxAnnotations).map((f) => toAnnotation(f)),
  };
}

function several(judged: readonly JudgedBase[]) {
  const conclusion = judged.some((j) => j.report.conclusion === "failure") ? "failure" as const : "success" as const;
  const name = (j: JudgedBase) => `into ${j.baseRef} (#${j.pullNumber})`;
  const title = judged.map((j) => `${name(j)}: ${j.report.title}`).join("; ").slice(0, 1000);
  const intro = `This commit is the head of ${judged.length} open pull requests; each base's rules judge it, and it passes only if every base passes it.\n\n` +
    judged.map((j) => `- ${j.report.conclusion === "success" ? "✅" : "❌"} **${name(j)}**: ${j.report.conclusion} (${j.report.title})`).join("\n") + "\n";
  const share = Math.floor((checkRunTextLimit - intro.length) / judged.length) - 200;
  const sections = judged.map((j) => `\n---\n\n### Pull request #${j.pullNumber} into \`${j.baseRef}\`\n\n${summaryOf(j.report, share)}`);
  const seen = new Set<string>();
  const annotations = judged.flatMap((j) => j.report.findings.filter((f) => f.path !== "").map((f) => toAnnotation(f, j.baseRef)))
    .filter((a) => {
      const key = JSON.stringify(a);
      return !seen.has(key) && Boolean(seen.add(key));
    })
    .slice(0, maxAnnotations);
  const text = judged.map((j) => `## ${name(j)}\n\n${renderPreviewMarkdown(j.report, share)}`).join("\n");
  return { conclusion, output: { title, summary: intro + sections.join(""), text }, annotations };
}

function summaryOf(report: Report, limit = checkRunTextLimit): string {
  const digests = Object.entries(report.controlPlane.digests)
    .map(([path, digest]) => `| \`${path}\` | \`${digest.slice(0, 12)}\` |`)
    .join("\n");
  const record = `\n\n<details><summary>Judged at base <code>${report.base.slice(0, 12)}</code> with this control plane</summary>\n\n| file | sha256 |\n| --- | --- |\n${digests}\n\n</details>\n`;
  return renderMarkdown(report, limit - record.length) + record;
}

function toAnnotation(f: Finding, base?: string) {
  const sameLine = f.line === f.endLine;
  return {
    path: f.path,
    start_line: f.line,
    end_line: Math.max(f.line, f.endLine),
    ...(sameLine ? { start_column: f.column, end_column: Math.max(f.column, f.endColumn) } : {}),
    annotation_level: level[f.severity],
    title: `${f.rule}${f.status === "existing" ? " (existing)" : ""}${base !== undefined ? ` [into ${base}]` : ""}`,
    message: f.message,
  };
}

function repoParams(repo: RepoRef) {
  return { owner: repo.owner, repo: repo.repo };
}
