// `npm run demo`: Gitgate's main job with no GitHub account. Starts the real server as `npm start`
// would, against a fake GitHub seeded from examples/, replays a signed webhook for each prepared PR,
// prints what Gitgate published and writes it to demo-output/ (Markdown and an HTML page).
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { FakeCheckRun } from "../fake-github/fake-state.js";
import { createDemoWorld, demoAppId, demoTarget, type DemoWorld } from "./demo-world.js";
import { guardDay, replayGuard, type GuardScene } from "./guard-scenes.js";
import { advanceMainAndRebase } from "./rebase-branch.js";
import { examplePayload } from "./example-payload.js";
import { renderDemoHtml } from "./render-demo-html.js";
import { sendWebhook } from "./send-webhook.js";
import { startServerProcess } from "./server-process.js";
import { waitForApprovalUpdate, waitForCheck, waitForComment, waitForVerdict } from "./wait-for-verdict.js";

export interface DemoResult {
  number: number;
  title: string;
  branch: string;
  author: string;
  expected: string;
  expectedApproval: string | undefined;
  checkRun: FakeCheckRun;
  /** gitgate/approval on the final head, after the demo's reviews (and rebase). */
  approvalRun: FakeCheckRun;
  /** What happened after the PR was opened, in order (reviews, a rebase). */
  steps: string[];
  comment: string | undefined;
  requests: number;
  seconds: number;
}

const outputDir = resolve(process.env.DEMO_OUTPUT ?? "demo-output");

async function runDemo(): Promise<number> {
  await mkdir(outputDir, { recursive: true });
  const world = await createDemoWorld();
  const server = await startServerProcess(world.env, join(outputDir, "server.log"));
  const results: DemoResult[] = [];
  let guard: GuardScene[] = [];
  let evidence: Awaited<ReturnType<typeof writeEvidence>> | undefined;
  try {
    console.log(`Gitgate is running at ${server.url} against a fake GitHub; replaying ${world.prs.length} pull requests.\n`);
    for (const pr of world.prs) results.push(await replay(world, server.url, pr));
    guard = await replayGuard(world, server.url);
    evidence = await writeEvidence(world);
  } finally {
    await server.stop();
    await world.close();
  }
  for (const r of results) print(r);
  for (const g of guard) printGuard(g);
  console.log(`━━━ Audit evidence for main (gitgate evidence): ${evidence.summary}\n    written to ${join(outputDir, "evidence.md")}\n`);
  await writeOutputs(results, guard);
  // Both ways around the process must be caught: a failing guard run, an issue and a revert PR each.
  const missed = [...guard.filter((g) => g.guardRun.conclusion !== "failure" || !g.issue || !g.revert), ...(evidence.bypasses === guard.length ? [] : ["evidence"])];
  const wrong = [...results.filter((r) => r.checkRun.conclusion !== r.expected || (r.expectedApproval !== undefined && r.approvalRun.conclusion !== r.expectedApproval)), ...missed];
  console.log(`\nWrote ${outputDir}/index.html (open it in a browser), one Markdown file per PR, and server.log.`);
  console.log(wrong.length === 0 ? `All ${results.length} pull requests concluded as expected, and the guard and the evidence caught both bypasses.` : `${wrong.length} pull request(s) or bypass(es) did not conclude as expected.`);
  return wrong.length === 0 ? 0 : 1;
}

/**
 * What an auditor would be handed for the demo's main: `gitgate evidence` run as a user runs it, over
 * HTTP against the fake GitHub, written to evidence.md. It must list both bypasses the guard caught.
 */
async function writeEvidence(world: DemoWorld): Promise<{ summary: string; bypasses: number }> {
  // In-process, as the CLI's main runs it, with a token the fake GitHub accepts.
  const { runEvidence } = await import("../cli/evidence-command.js");
  const { parseCliOptions } = await import("../cli/cli-options.js");
  const day = guardDay.slice(0, 10);
  const options = parseCliOptions(["evidence", "--repo", `${demoTarget.owner}/${demoTarget.repo}`, "--since", day, "--until", day, "--app-id", String(demoAppId)]);
  const outcome = await runEvidence(options, { GITHUB_TOKEN: "demo-token", GITHUB_API_URL: `http://${world.env.GHE_HOST}/api/v3` });
  await writeFile(join(outputDir, "evidence.md"), outcome.output);
  const { commits, pulls, bypasses } = outcome.evidence;
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return { summary: `${count(commits, "commit", "commits")}, ${count(pulls.length, "pull request", "pull requests")}, ${count(bypasses.length, "bypass", "bypasses")}`, bypasses: bypasses.length };
}

/**
 * One prepared PR: opened, judged (gitgate/validate, then gitgate/approval), then what its pr.json's
 * `demo` asks for: reviews, each delivered as GitHub delivers it, and a rebase onto a newer main.
 */
async function replay(world: DemoWorld, serverUrl: string, pr: DemoWorld["prs"][number]): Promise<DemoResult> {
  const webhooks = `${serverUrl}/api/github/webhooks`;
  let head = (await world.repo.git.resolve(pr.name))!;
  const before = world.fake.apiRequests.length;
  const started = performance.now();
  const send = async (event: string, action: string) => {
    // As GitHub sends it: with the PR's head and base commits at that moment.
    const base = (await world.repo.git.resolve("main"))!;
    const payload = examplePayload(event, action, demoTarget, (p) => {
      p.number = pr.number;
      p.pull_request.number = pr.number;
      p.pull_request.title = pr.title;
      p.pull_request.head.sha = head;
      p.pull_request.base.ref = "main";
      p.pull_request.base.sha = base;
    });
    const status = await sendWebhook(webhooks, world.webhookSecret, event, payload);
    if (status !== 200) throw new Error(`the ${event} webhook for PR #${pr.number} was answered ${status}`);
  };
  await send("pull_request", "opened");
  let checkRun = await waitForVerdict(world.repo, head);
  await waitForCheck(world.repo, head, "gitgate/approval");
  let comment = await waitForComment(world.repo, pr.number);
  const requests = world.fake.apiRequests.length - before;
  const seconds = (performance.now() - started) / 1000;
  const steps: string[] = [];
  for (const review of pr.demo?.reviews ?? []) {
    const since = world.fake.requests.length;
    await world.fake.submitReview(world.repo, { pullNumber: pr.number, user: review.user, state: review.state });
    await send("pull_request_review", "submitted");
    const run = await waitForApprovalUpdate(world.fake, world.repo, head, since);
    steps.push(`${review.user}${review.user === pr.author ? " (the author)" : ""} reviews ${head.slice(0, 7)}: ${review.state} → gitgate/approval: ${run.conclusion} — ${run.output.title}`);
  }
  if (pr.demo?.rebaseOnto) {
    const old = head;
    head = await advanceMainAndRebase(world.example.dir, pr.name, pr.demo.rebaseOnto);
    await send("pull_request", "synchronize");
    checkRun = await waitForVerdict(world.repo, head);
    const run = await waitForCheck(world.repo, head, "gitgate/approval");
    // The sticky comment is edited for the new head right after its checks.
    comment = await waitForComment(world.repo, pr.number, 30_000, head.slice(0, 12));
    steps.push(`main moves on (${Object.keys(pr.demo.rebaseOnto).join(", ")}: nothing governed); the branch is rebased, head ${old.slice(0, 7)} → ${head.slice(0, 7)} → gitgate/approval: ${run.conclusion} — ${run.output.title}`);
  }
  const approvalRun = await waitForCheck(world.repo, head, "gitgate/approval");
  return { number: pr.number, title: pr.title, branch: pr.name, author: pr.author, expected: pr.expected.validate, expectedApproval: pr.expected.approval, checkRun, approvalRun, steps, comment, requests, seconds };
}

function print(r: DemoResult): void {
  const run = r.checkRun;
  console.log(`━━━ PR #${r.number} "${r.title}" (${r.branch}) → gitgate/validate: ${run.conclusion?.toUpperCase()} — ${run.output.title}`);
  console.log(`    ${r.requests} GitHub requests, ${r.seconds.toFixed(2)} s from webhook to verdict`);
  for (const a of run.output.annotations) console.log(`    ${String(a.annotation_level).padEnd(8)} ${a.path}:${a.start_line}  ${a.title}: ${a.message}`);
  for (const step of r.steps) console.log(`    · ${step}`);
  console.log(`    → gitgate/approval: ${r.approvalRun.conclusion?.toUpperCase()} — ${r.approvalRun.output.title}`);
  for (const line of (r.approvalRun.output.summary ?? "").split("\n").filter((l) => l.startsWith("- Not counted") || l.startsWith("- Approved by") || l.startsWith("### "))) {
    console.log(`      ${line.replace(/\\(.)/g, "$1")}`);
  }
  if (r.comment) console.log(`\n${r.comment.replace(/^<!-- gitgate:preview -->\n/, "").replace(/^/gm, "    ")}`);
  console.log("");
}

function printGuard(g: GuardScene): void {
  console.log(`━━━ ${g.title}: commit ${g.commit.slice(0, 7)} → gitgate/guard: ${g.guardRun.conclusion?.toUpperCase()} — ${g.guardRun.output.title}`);
  console.log(`    ${g.requests} GitHub requests, ${g.seconds.toFixed(2)} s from push to verdict`);
  if (g.issue) console.log(`    · incident issue #${g.issue.number}: ${g.issue.title}`);
  if (g.revert) console.log(`    · revert pull request #${g.revert.number}: ${g.revert.title}`);
  console.log("");
}

async function writeOutputs(results: readonly DemoResult[], guard: readonly GuardScene[]): Promise<void> {
  for (const r of results) {
    const annotations = r.checkRun.output.annotations.map((a) => `- **${a.annotation_level}** \`${a.path}:${a.start_line}\` \`${a.title}\`: ${a.message}`).join("\n");
    const body = [
      `# PR #${r.number}: ${r.title}`,
      "",
      `gitgate/validate: **${r.checkRun.conclusion}** (expected ${r.expected}) — ${r.checkRun.output.title}`,
      "",
      `gitgate/approval: **${r.approvalRun.conclusion}**${r.expectedApproval ? ` (expected ${r.expectedApproval})` : ""} — ${r.approvalRun.output.title}`,
      "",
      ...(r.steps.length > 0 ? ["## After opening", "", ...r.steps.map((step) => `1. ${step}`), ""] : []),
      "## Annotations",
      "",
      annotations || "None.",
      "",
      "## Check run summary",
      "",
      r.checkRun.output.summary ?? "",
      "",
      "## gitgate/approval summary",
      "",
      r.approvalRun.output.summary ?? "",
      "",
      "## Preview comment",
      "",
      r.comment ?? "(none)",
      "",
    ].join("\n");
    await writeFile(join(outputDir, `${r.number}-${r.branch}.md`), body);
  }
  const guardBody = guard.map((g) => [
    `# ${g.title}`, "", `gitgate/guard on \`${g.commit}\`: **${g.guardRun.conclusion}** — ${g.guardRun.output.title}`, "",
    g.guardRun.output.summary ?? "", "",
    ...(g.issue ? [`## Incident issue #${g.issue.number}: ${g.issue.title}`, "", g.issue.body, ""] : []),
    ...(g.revert ? [`## Revert pull request #${g.revert.number}: ${g.revert.title}`, ""] : []),
  ].join("\n"));
  if (guard.length > 0) await writeFile(join(outputDir, "guard.md"), guardBody.join("\n"));
  await writeFile(join(outputDir, "index.html"), renderDemoHtml(results, guard));
}

process.exitCode = await runDemo();
