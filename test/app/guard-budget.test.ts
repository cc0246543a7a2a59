import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guardState } from "../../src/fake-github/fake-guard-routes.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { startApp, type AppHarness } from "../support/app-harness.js";
import { guardFlow } from "../support/guard-flow.js";

// What the guard costs for a push of 20 commits: reads grow with commits (two per commit, one per
// merged head not on the branch), writes are one guard run per commit (and the incident's).
const config = `version: 1
approvals:
  rules:
    - name: review
      count: 1
protect:
  on_bypass: [check, issue, revert]
`;

let repo: TestRepo;
let app: AppHarness;
let flow: ReturnType<typeof guardFlow>;

beforeAll(async () => {
  repo = await createTestRepo({ ".github/gitgate.yml": config, "README.md": "hello\n" });
  app = await startApp(repo.dir, { inProgressAfterMs: 600_000 });
  app.repo.writers.add("alice");
  flow = guardFlow(app, repo);
}, 60_000);
afterAll(async () => {
  await app.close();
  await repo.remove();
});

const twenty = (label: string) => Array.from({ length: 20 }, (_, i) => ({ [`notes/${label}-${i}.txt`]: `${i}\n` }));
const shape = (r: { method: string; url: string }) => `${r.method} ${new URL(r.url, "http://x").pathname.replace(/[0-9a-f]{40}/g, "<sha>").replace(/\/\d+$/, "/<id>")}`;

function tally(requests: { method: string; url: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of requests) counts[shape(r)] = (counts[shape(r)] ?? 0) + 1;
  return counts;
}

describe("the guard's GitHub requests for a push of 20 commits", () => {
  it("a rebase merge of 20 commits: 2 reads per commit, the merged head's runs, one guard run per commit", async () => {
    const number = await flow.openPr(twenty("rebased"));
    let start = 0;
    let started = 0;
    const { after } = await flow.merge(number, "rebase", () => {
      start = app.fake.apiRequests.length;
      started = performance.now();
    });
    const ms = Math.round(performance.now() - started);
    const push = app.fake.apiRequests.slice(start);
    const counts = tally(push);
    expect(counts["GET /repos/acme/platform-config/commits/<sha>/pulls"]).toBe(20);
    // The merged head's runs, and the tip before's guard run (was it a bypass? see guard-branch.ts).
    expect(counts["GET /repos/acme/platform-config/commits/<sha>/check-runs"]).toBe(22);
    expect(counts["GET /repos/acme/platform-config/compare/<sha>...<sha>"]).toBe(1);
    expect(app.repo.checkRuns.filter((r) => r.name === "gitgate/guard" && r.conclusion === "success")).toHaveLength(20);
    expect(guardState(app.repo).issues).toEqual([]);
    expect(push).toHaveLength(2 + 1 + 20 + 22 + 20);
    console.info(`guard, rebase merge of 20 commits: ${push.length} requests for the push, push to verdict ${ms} ms (${JSON.stringify(counts)}); head ${after.slice(0, 7)}`);
  });

  it("a direct push of 20 commits: one incident, one issue, one revert", async () => {
    const before = await repo.sha("main");
    for (const files of twenty("direct")) await repo.commit("main", files);
    const after = await repo.sha("main");
    const start = app.fake.apiRequests.length;
    const started = performance.now();
    await flow.push(before, after);
    const ms = Math.round(performance.now() - started);
    const requests = app.fake.apiRequests.slice(start);
    expect(guardState(app.repo).issues).toHaveLength(1);
    expect(app.repo.checkRuns.filter((r) => r.name === "gitgate/guard" && r.conclusion === "failure")).toHaveLength(20);
    console.info(`guard, direct push of 20 commits: ${requests.length} requests, push to verdict ${ms} ms (${JSON.stringify(tally(requests))})`);
  });
});
