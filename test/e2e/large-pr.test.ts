import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoTarget, type FakeGitHubWorld } from "../../src/demo/demo-world.js";
import { examplePayload } from "../../src/demo/example-payload.js";
import { sendWebhook } from "../../src/demo/send-webhook.js";
import type { ServerProcess } from "../../src/demo/server-process.js";
import { waitForComment, waitForVerdict } from "../../src/demo/wait-for-verdict.js";
import { startE2E, type E2E } from "../support/e2e-server.js";
import { createTestRepo, type Files, type TestRepo } from "../support/git-repo.js";

const config = "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\npolicies:\n  builtin: [kubernetes]\n";
const configMaps = (count: number, value: string): Files =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`k8s/cm-${i}.yaml`, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  value: "${value}"\n`]));

let repo: TestRepo;
let world: FakeGitHubWorld;
let server: ServerProcess;
let e2e: E2E;

beforeAll(async () => {
  repo = await createTestRepo({ ".github/gitgate.yml": config, ...configMaps(300, "a") });
  await repo.branch("hundred", "main", configMaps(100, "b"));
  await repo.branch("three-hundred", "main", configMaps(300, "c"));
  e2e = await startE2E(repo, ["hundred", "three-hundred"]);
  ({ world, server } = e2e);
}, 60_000);
afterAll(() => e2e?.close());

async function judge(number: number, branch: string) {
  const head = await repo.sha(branch);
  const before = world.fake.apiRequests.length;
  const payload = examplePayload("pull_request", "opened", demoTarget, (p) => {
    p.number = number;
    p.pull_request.number = number;
  });
  expect(await sendWebhook(`${server.url}/api/github/webhooks`, world.webhookSecret, "pull_request", payload)).toBe(200);
  const run = await waitForVerdict(world.repo, head, 90_000);
  // The preview comment is the evaluation's last request.
  expect(await waitForComment(world.repo, number)).toBeDefined();
  return { run, requests: world.fake.apiRequests.length - before };
}

describe("large pull requests through the running server", () => {
  it("judges a 100-file PR within the request budget", async () => {
    const { run, requests } = await judge(1, "hundred");
    expect(run.conclusion).toBe("success");
    expect(requests).toBeLessThanOrEqual(10);
  }, 120_000);

  it("completes a 300-file PR", async () => {
    const { run } = await judge(2, "three-hundred");
    expect(run.conclusion).toBe("success");
    expect(run.output.summary).toContain("| 300 | 300 | 300 |");
    expect(world.fake.rejectedBodies).toEqual([]);
  }, 120_000);
});
