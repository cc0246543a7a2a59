// `npm run demo`: Gitgate's main job with no GitHub account. Starts the real server as `npm start`
// would, against a fake GitHub seeded from examples/, replays a signed webhook for each prepared PR,
// prints what Gitgate published and writes it to demo-output/ (Markdown and an HTML page).
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { FakeCheckRun } from "../fake-github/fake-state.js";
import { createDemoWorld, demoTarget } from "./demo-world.js";
import { examplePayload } from "./example-payload.js";
import { renderDemoHtml } from "./render-demo-html.js";
import { sendWebhook } from "./send-webhook.js";
import { startServerProcess } from "./server-process.js";
import { waitForComment, waitForVerdict } from "./wait-for-verdict.js";

export interface DemoResult {
  number: number;
  title: string;
  branch: string;
  author: string;
  expected: string;
  checkRun: FakeCheckRun;
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
  try {
    console.log(`Gitgate is running at ${server.url} against a fake GitHub; replaying ${world.prs.length} pull requests.\n`);
    for (const pr of world.prs) {
      const head = (await world.repo.git.resolve(pr.name))!;
      const before = world.fake.apiRequests.length;
      const started = performance.now();
      const payload = examplePayload("pull_request", "opened", demoTarget, (p) => {
        p.number = pr.number;
        p.pull_request.number = pr.number;
        p.pull_request.title = pr.title;
        p.pull_request.head.sha = head;
      });
      const status = await sendWebhook(`${server.url}/api/github/webhooks`, world.webhookSecret, "pull_request", payload);
      if (status !== 200) throw new Error(`the webhook for PR #${pr.number} was answered ${status}`);
      const checkRun = await waitForVerdict(world.repo, head);
      const comment = await waitForComment(world.repo, pr.number);
      results.push({ number: pr.number, title: pr.title, branch: pr.name, author: pr.author, expected: pr.expected.validate, checkRun, comment, requests: world.fake.apiRequests.length - before, seconds: (performance.now() - started) / 1000 });
    }
  } finally {
    await server.stop();
    await world.close();
  }
  for (const r of results) print(r);
  await writeOutputs(results);
  const wrong = results.filter((r) => r.checkRun.conclusion !== r.expected);
  console.log(`\nWrote ${outputDir}/index.html (open it in a browser), one Markdown file per PR, and server.log.`);
  console.log(wrong.length === 0 ? `All ${results.length} pull requests concluded as expected.` : `${wrong.length} pull request(s) did not conclude as expected.`);
  return wrong.length === 0 ? 0 : 1;
}

function print(r: DemoResult): void {
  const run = r.checkRun;
  console.log(`━━━ PR #${r.number} "${r.title}" (${r.branch}) → gitgate/validate: ${run.conclusion?.toUpperCase()} — ${run.output.title}`);
  console.log(`    ${r.requests} GitHub requests, ${r.seconds.toFixed(2)} s from webhook to verdict`);
  for (const a of run.output.annotations) console.log(`    ${String(a.annotation_level).padEnd(8)} ${a.path}:${a.start_line}  ${a.title}: ${a.message}`);
  if (r.comment) console.log(`\n${r.comment.replace(/^<!-- gitgate:preview -->\n/, "").replace(/^/gm, "    ")}`);
  console.log("");
}

async function writeOutputs(results: readonly DemoResult[]): Promise<void> {
  for (const r of results) {
    const annotations = r.checkRun.output.annotations.map((a) => `- **${a.annotation_level}** \`${a.path}:${a.start_line}\` \`${a.title}\`: ${a.message}`).join("\n");
    const body = [
      `# PR #${r.number}: ${r.title}`,
      "",
      `gitgate/validate: **${r.checkRun.conclusion}** (expected ${r.expected}) — ${r.checkRun.output.title}`,
      "",
      "## Annotations",
      "",
      annotations || "None.",
      "",
      "## Check run summary",
      "",
      r.checkRun.output.summary ?? "",
      "",
      "## Preview comment",
      "",
      r.comment ?? "(none)",
      "",
    ].join("\n");
    await writeFile(join(outputDir, `${r.number}-${r.branch}.md`), body);
  }
  await writeFile(join(outputDir, "index.html"), renderDemoHtml(results));
}

process.exitCode = await runDemo();
