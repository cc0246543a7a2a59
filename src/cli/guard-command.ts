import { describeReason } from "../engine/guard/decide-provenance.js";
import type { CommitProvenance } from "../engine/guard/guard-types.js";
import type { PushedCommit } from "../github/read-pushed-commits.js";
import type { CliOptions } from "./cli-options.js";
import { replayGuard } from "./replay-guard.js";

export interface GuardOutcome {
  output: string;
  status: 0 | 1;
  notes: string[];
}

/**
 * `gitgate guard --repo owner/name`: the App's guard replayed over a branch's history, through a token
 * and the same engine: every commit with the pull request it came through, and every bypass. Exit 1
 * when there is a bypass; a commit that cannot be decided throws CannotDecideError (exit 2).
 */
export async function runGuard(options: CliOptions, env: NodeJS.ProcessEnv, now: Date = new Date()): Promise<GuardOutcome> {
  const replay = await replayGuard(options, env, now);
  const { branch, since, until, appId, requireApproval, notes } = replay;
  const rows = replay.verdicts.map((v, i) => row(v, replay.commits[i]!, branch));
  const bypasses = rows.filter((r) => r.verdict === "bypass").length;
  const output = options.format === "json"
    ? `${JSON.stringify({ repository: options.repo, branch, since, ...(until !== undefined ? { until } : {}), appId: appId ?? null, requireApproval, commits: rows, bypasses, notes }, null, 2)}\n`
    : renderText(options.repo, branch, until !== undefined ? `${since} until ${until}` : since, rows, bypasses);
  return { output, status: bypasses > 0 ? 1 : 0, notes };
}

interface Row {
  sha: string;
  verdict: "through-pr" | "bypass";
  pull: number | null;
  method: string | null;
  reasons: string[];
  message: string;
  author: string;
  date: string;
  url: string;
}

function row(v: CommitProvenance, commit: PushedCommit, branch: string): Row {
  const base = { sha: v.sha, message: commit.message.split("\n", 1)[0]!, author: commit.author, date: commit.date, url: commit.url };
  if (v.verdict === "through-pr") return { ...base, verdict: "through-pr", pull: v.pull, method: v.method, reasons: [] };
  return { ...base, verdict: "bypass", pull: v.verdict === "bypass" ? v.pull ?? null : null, method: null, reasons: v.verdict === "bypass" ? v.reasons.map((r) => describeReason(r, branch)) : [v.reason] };
}

function renderText(repository: string, branch: string, period: string, rows: readonly Row[], bypasses: number): string {
  const lines = [`gitgate guard ${repository} ${branch} since ${period}: ${rows.length} commit${rows.length === 1 ? "" : "s"}, ${bypasses} bypass${bypasses === 1 ? "" : "es"}`, ""];
  for (const r of rows) {
    const subject = r.message.slice(0, 72);
    if (r.verdict === "through-pr") lines.push(`  ok      ${r.sha.slice(0, 12)}  #${r.pull} (${r.method})  ${subject}`);
    else {
      lines.push(`  BYPASS  ${r.sha.slice(0, 12)}  ${r.date} ${r.author}  ${subject}`);
      for (const reason of r.reasons) lines.push(`          ${reason}`);
    }
  }
  lines.push("", bypasses === 0 ? `PASS: every commit reached ${branch} through a pull request Gitgate passed` : `FAIL: ${bypasses} commit${bypasses === 1 ? "" : "s"} reached ${branch} outside an approved pull request`);
  return `${lines.join("\n")}\n`;
}
