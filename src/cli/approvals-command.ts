import { withEvaluationPool } from "../evaluation/evaluation-pool.js";
import { decideApprovals, type ApprovalDecision } from "../github/decide-approvals.js";
import { findValidatingApp } from "../github/find-validating-app.js";
import type { GitHub, RepoRef } from "../github/github-types.js";
import { readGitHubControlPlane } from "../github/load-github-control-plane.js";
import { listChanges } from "../github/read-change-set.js";
import { readPullRequest } from "../github/read-pull-request.js";
import { approvalTitle } from "../render/render-approval-markdown.js";
import { renderApprovalText } from "../render/render-approval-text.js";
import { UsageError, type CliOptions } from "./cli-options.js";
import { githubClient } from "./token-client.js";

/** A pull request's approvals cannot be decided (not governed, not found, facts GitHub cannot give): exit 2. */
export class CannotDecideError extends Error {
  override name = "CannotDecideError";
}

export interface ApprovalsOutcome {
  output: string;
  status: 0 | 1;
  notes: string[];
}

/**
 * `gitgate approvals --repo owner/name --pr N`: the `gitgate/approval` verdict of the pull request's
 * head, decided as the App decides it (the same readers, the same engine), through a token. The
 * governed-diff digest that lets an approval outlive a rebase is read from the head's gitgate/validate
 * check run, never computed here: the verdict must be the App's, and the App carries approvals over only
 * on the digest it recorded. Without it, approvals of earlier commits do not count (stricter, never laxer).
 */
export async function runApprovals(options: CliOptions, env: NodeJS.ProcessEnv): Promise<ApprovalsOutcome> {
  const token = env.GITHUB_TOKEN;
  if (!token) throw new UsageError("approvals reads the pull request through the GitHub API: set GITHUB_TOKEN to a token that can read the repository");
  const [owner, name] = options.repo.split("/") as [string, string];
  const repo: RepoRef = { owner, repo: name };
  const github = githubClient(token, env.GITHUB_API_URL ?? "https://api.github.com");
  const number = options.pr!;
  const notes: string[] = [];

  const { data: pull } = await github.rest.pulls.get({ owner, repo: name, pull_number: number }).catch((error: { status?: number; message: string }) => {
    throw new CannotDecideError(error.status === 404 ? `no pull request #${number} in ${options.repo}, or the token cannot read it` : `could not read pull request #${number}: ${error.message}`);
  });
  const appId = options.appId ?? (await trustedApp(github, repo, pull.head.sha, notes));
  const pr = await readPullRequest(github, repo, number, appId ?? 0);
  if (!pr) throw new CannotDecideError(`no pull request #${number} in ${options.repo}`);
  if (!pr.open) notes.push(`pull request #${number} is not open: the App no longer decides its approvals`);
  if (!pr.approvals.headValidated) {
    notes.push(`gitgate/validate has not completed on the head ${pr.headSha.slice(0, 12)}: its governed-diff digest is unknown, so approvals of earlier commits are not counted here (the App decides once validate has run, and may count them then)`);
  }

  const plane = await readGitHubControlPlane(github, repo, pr.baseSha);
  if (!plane) throw new CannotDecideError(`${options.repo} has no .github/gitgate.yml at the base of #${number} (nor organisation defaults): Gitgate does not govern it`);
  const listed = await listChanges(github, repo, pr.baseSha, pr.headSha, pr.number);
  const changed = listed.files.map((f) => ({ path: f.path, ...(f.previousPath !== undefined ? { previousPath: f.previousPath } : {}) }));
  const scope = await withEvaluationPool(env, (pool) => pool.approvalScope(plane.source, plane.reader, changed));
  if (!scope.enabled) throw new CannotDecideError(`the config at the base of #${number} has no approvals: section, so there is no gitgate/approval check to decide`);

  const verdict = await decideApprovals(github, repo, { pr, scope, headDigest: pr.approvals.headDigest });
  const heading = `gitgate/approval ${options.repo}#${number} (head ${pr.headSha.slice(0, 12)})`;
  const output = options.format === "json" ? renderJson(verdict, options.repo, number, pr.headSha, pr.approvals.headValidated, notes) : renderApprovalText(verdict, heading);
  return { output, status: verdict.status === "satisfied" ? 0 : 1, notes };
}

/** The App whose gitgate/validate digests count; undefined when none ran on the head (nothing recorded then). */
async function trustedApp(github: GitHub, repo: RepoRef, headSha: string, notes: string[]): Promise<number | undefined> {
  const found = await findValidatingApp(github, repo, headSha);
  if (found.appId !== undefined) return found.appId;
  if (found.reason === "ambiguous") {
    throw new UsageError(`several GitHub Apps publish gitgate/validate on the head (${found.apps.join(", ")}): pass --app-id with Gitgate's App ID`);
  }
  notes.push("no GitHub App has published gitgate/validate on the head; pass --app-id to name Gitgate's App");
  return undefined;
}

function renderJson(verdict: ApprovalDecision, repository: string, number: number, head: string, headValidated: boolean, notes: string[]): string {
  const conclusion = verdict.status === "satisfied" ? "success" : verdict.status === "blocked" ? "failure" : "action_required";
  return `${JSON.stringify({ repository, pullRequest: number, head, headValidated, status: verdict.status, conclusion, title: approvalTitle(verdict), rules: verdict.rules, codeOwnersProblems: verdict.codeOwners ?? null, notes }, null, 2)}\n`;
}
