import { marked } from "marked";
import { githubCommentHtml } from "./github-comment-html.js";
import type { GuardScene } from "./guard-scenes.js";
import type { DemoResult } from "./run-demo.js";

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** One page a person can open: each PR with its check run, annotations and preview comment. */
export function renderDemoHtml(results: readonly DemoResult[], guard: readonly GuardScene[] = []): string {
  const sections = results.map((r) => {
    const annotations = r.checkRun.output.annotations
      .map((a) => `<tr><td class="${escape(String(a.annotation_level))}">${escape(String(a.annotation_level))}</td><td><code>${escape(`${a.path}:${a.start_line}${a.start_column ? `:${a.start_column}` : ""}`)}</code></td><td><code>${escape(String(a.title))}</code></td><td>${escape(String(a.message))}</td></tr>`)
      .join("\n");
    return `<section>
<h2>#${r.number} ${escape(r.title)} <span class="badge ${r.checkRun.conclusion}">validate: ${escape(String(r.checkRun.conclusion))}</span> <span class="badge ${r.approvalRun.conclusion}">approval: ${escape(String(r.approvalRun.conclusion))}</span></h2>
<p>Branch <code>${escape(r.branch)}</code> by ${escape(r.author)} · head <code>${r.checkRun.head_sha.slice(0, 12)}</code> · expected <b>${escape(r.expected)}</b> · ${r.requests} GitHub requests · ${r.seconds.toFixed(2)} s</p>
<h3>Check run <code>gitgate/validate</code>: ${escape(r.checkRun.output.title ?? "")}</h3>
${annotations ? `<table><thead><tr><th>level</th><th>where</th><th>rule</th><th>message</th></tr></thead><tbody>${annotations}</tbody></table>` : "<p>No annotations.</p>"}
<details><summary>Check run summary</summary>${marked.parse(r.checkRun.output.summary ?? "", { async: false })}</details>
<h3>Check run <code>gitgate/approval</code>: ${escape(r.approvalRun.output.title ?? "")}</h3>
${r.steps.length > 0 ? `<ol>${r.steps.map((step) => `<li>${escape(step)}</li>`).join("")}</ol>` : ""}
<details open><summary>Approval summary</summary>${marked.parse(r.approvalRun.output.summary ?? "", { async: false })}</details>
<h3>Preview comment</h3>
<div class="comment">${r.comment ? githubCommentHtml(r.comment) : "<p>(none)</p>"}</div>
</section>`;
  });
  const guardSections = guard.map((g) => `<section>
<h2>${escape(g.title)} <span class="badge ${g.guardRun.conclusion}">guard: ${escape(String(g.guardRun.conclusion))}</span></h2>
<p>Commit <code>${g.commit.slice(0, 12)}</code> on <code>main</code> · ${g.requests} GitHub requests · ${g.seconds.toFixed(2)} s from push to verdict</p>
<h3>Check run <code>gitgate/guard</code>: ${escape(g.guardRun.output.title ?? "")}</h3>
<div class="comment">${marked.parse(g.guardRun.output.summary ?? "", { async: false })}</div>
${g.issue ? `<h3>Incident issue #${g.issue.number}: ${escape(g.issue.title)}</h3><div class="comment">${marked.parse(g.issue.body, { async: false })}</div>` : ""}
${g.revert ? `<h3>Revert pull request #${g.revert.number}: ${escape(g.revert.title)}</h3>` : ""}
</section>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Gitgate demo</title>
<style>
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#1f2328}
section{border:1px solid #d0d7de;border-radius:8px;padding:1rem 1.5rem;margin:1.5rem 0}
table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
.badge{font-size:.8rem;padding:.15rem .6rem;border-radius:1rem;color:#fff}.badge.success{background:#1a7f37}.badge.failure{background:#cf222e}.badge.action_required{background:#9a6700}
td.failure{color:#cf222e}td.warning{color:#9a6700}td.notice{color:#0969da}
.comment{border-left:4px solid #d0d7de;padding-left:1rem}pre{background:#f6f8fa;padding:.6rem;overflow:auto}
.alert{border-left:4px solid #d0d7de;margin:0 0 1rem;padding:.4rem 1rem;color:inherit}.alert-title{font-weight:600;margin:.2rem 0}
.alert-caution{border-color:#cf222e}.alert-caution .alert-title{color:#cf222e}.alert-warning{border-color:#9a6700}.alert-warning .alert-title{color:#9a6700}
.alert-note{border-color:#0969da}.alert-note .alert-title{color:#0969da}
</style></head><body>
<h1>Gitgate demo</h1>
<p>The real Gitgate server (<code>npm start</code>) against a fake GitHub seeded from <code>examples/</code>: one signed <code>pull_request.opened</code> webhook per prepared pull request (then the reviews and the rebase some of them get), and what Gitgate published in return: <code>gitgate/validate</code>, <code>gitgate/approval</code> and the preview comment.</p>
${sections.join("\n")}
${guardSections.length > 0 ? `<h1>The guard</h1>\n<p>Then two changes reach <code>main</code> around the process, reported by the same webhooks GitHub sends (<code>pull_request.closed</code>, then the <code>push</code> the guard verifies).</p>\n${guardSections.join("\n")}` : ""}
</body></html>
`;
}
