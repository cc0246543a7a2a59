import { assembleEvidence, type Evidence } from "../engine/evidence/assemble-evidence.js";
import { readCommitFiles, readEvidencePulls } from "../github/read-evidence-facts.js";
import { renderEvidenceMarkdown } from "../render/render-evidence-markdown.js";
import { toolVersion } from "../render/tool-version.js";
import { CannotDecideError } from "./approvals-command.js";
import type { CliOptions } from "./cli-options.js";
import type { GuardOutcome } from "./guard-command.js";
import { replayGuard } from "./replay-guard.js";

/**
 * `gitgate evidence --repo owner/name`: change-management evidence for a branch over a period: the
 * guard's replay (every commit, the pull request it came through or why it bypassed one), with each
 * pull request's author, standing approvals, merger, checks and files. Exit 1 when there is a bypass,
 * as `gitgate guard`; a commit that cannot be decided throws CannotDecideError (exit 2).
 */
export async function runEvidence(options: CliOptions, env: NodeJS.ProcessEnv, now: Date = new Date()): Promise<GuardOutcome & { evidence: Evidence }> {
  const replay = await replayGuard(options, env, now);
  const { github, repo, branch, since, until, appId, notes } = replay;
  const numbers = [...new Set(replay.verdicts.flatMap((v) => (v.verdict !== "undecided" && v.pull !== undefined ? [v.pull] : [])))];
  const bypassing = replay.verdicts.filter((v) => v.verdict === "bypass").map((v) => v.sha);
  const [pulls, bypassFiles] = await Promise.all([readEvidencePulls(github, repo, numbers), readCommitFiles(github, repo, bypassing)]).catch((error: { status?: number; message: string }) => {
    throw new CannotDecideError(`could not read the pull requests and commits of the period: ${error.message}`);
  });
  const evidence = assembleEvidence({
    branch,
    requireApproval: replay.requireApproval,
    commits: replay.commits.map((c) => ({ sha: c.sha, author: c.author, authorMatched: c.authorMatched, date: c.date, subject: c.message.split("\n", 1)[0]!, url: c.url })),
    verdicts: replay.verdicts,
    pulls,
    checksByCommit: replay.checksByCommit,
    bypassFiles,
  });
  const generatedAt = now.toISOString();
  const output = options.format === "json"
    ? renderJson(evidence, { repository: options.repo, since, until, generatedAt, appId, notes })
    : renderEvidenceMarkdown(evidence, { repository: options.repo, since, until, generatedAt, tool: `gitgate ${toolVersion}`, appId, notes });
  return { output, status: evidence.bypasses.length > 0 ? 1 : 0, notes, evidence };
}

function renderJson(evidence: Evidence, context: { repository: string; since: string; until: string | undefined; generatedAt: string; appId: number | undefined; notes: string[] }): string {
  const { branch, requireApproval, commits, pulls, bypasses } = evidence;
  const record = {
    repository: context.repository,
    branch,
    since: context.since,
    until: context.until ?? null,
    generatedAt: context.generatedAt,
    tool: `gitgate ${toolVersion}`,
    appId: context.appId ?? null,
    requireApproval,
    commits,
    verdict: bypasses.length === 0 ? "pass" : "fail",
    pullRequests: pulls.map((p) => ({ ...p, method: p.method ?? null })),
    bypasses,
    notes: context.notes,
  };
  return `${JSON.stringify(record, null, 2)}\n`;
}
