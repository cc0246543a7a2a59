import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createTestRepo, type Files, type TestRepo } from "../support/git-repo.js";
import { examplePayload, startApp, type AppHarness } from "../support/app-harness.js";
import { expectNoSlice } from "../support/secret-output.js";

// A kustomization whose secretGenerator reads a binary keystore, on GitHub: GraphQL gives no text for a
// binary blob, so the App reads its bytes through the REST blob endpoint (the fake GitHub serves it
// from the real git repository, at the HTTP level) and hands them to the render helper.
const password = "Jks-Store-Pass-3390-RT";
const keystore = Buffer.concat([Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]), randomBytes(80), Buffer.from(password), Buffer.from([0, 0xc3, 0x28, 0]), randomBytes(40)]);
const deployment = (tag: string) => "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: { app: web }\n" +
  `  template:\n    metadata:\n      labels: { app: web }\n    spec:\n      containers:\n        - name: web\n          image: nginx:${tag}\n`;
const base: Files = {
  ".github/gitgate.yml": "version: 1\n",
  "apps/tls/kustomization.yaml": "resources:\n  - deployment.yaml\nsecretGenerator:\n  - name: tls\n    files:\n      - keystore.jks\n",
  "apps/tls/deployment.yaml": deployment("1.27.0"),
  "apps/tls/keystore.jks": keystore,
};

let repo: TestRepo | undefined;
let app: AppHarness | undefined;
afterEach(async () => {
  await app?.close();
  await repo?.remove();
  app = undefined;
  repo = undefined;
});

/** A PR that bumps the Deployment's image: the target renders at base and head, both reading the keystore. */
async function bumpImage(): Promise<AppHarness> {
  repo = await createTestRepo(base);
  await repo.branch("bump", "main", { "apps/tls/deployment.yaml": deployment("1.27.1") });
  app = await startApp(repo.dir);
  app.fake.openPullRequest(app.repo, { number: 1, title: "bump", author: "dev", headRef: "bump", baseRef: "main" });
  return app;
}

const opened = () => examplePayload("pull_request", "opened", (p) => {
  p.number = 1;
  p.pull_request.number = 1;
});

const blobRequests = (app: AppHarness) => app.fake.apiRequests.filter((r) => /\/git\/blobs\/[0-9a-f]{40}$/.test(new URL(r.url, "http://x").pathname));

describe("an App check of a Kustomize target whose secretGenerator reads a binary keystore", () => {
  it("renders it with the keystore read once through the blob endpoint, and shows none of it", async () => {
    const app = await bumpImage();
    expect(await app.deliver("pull_request", opened())).toBe(200);
    await app.queue.onIdle();
    const validate = app.repo.checkRuns.find((r) => r.name === "gitgate/validate")!;
    expect(validate).toMatchObject({ status: "completed", conclusion: "success" });
    const annotations = (validate.output.annotations ?? []) as { title?: string; message: string }[];
    expect(annotations.filter((a) => a.title?.startsWith("render/"))).toEqual([]);
    // Base and head read the same blob: one request, for the keystore's SHA.
    const sha = (await repo!.sha("main:apps/tls/keystore.jks"));
    expect(blobRequests(app).map((r) => new URL(r.url, "http://x").pathname)).toEqual([`/repos/acme/platform-config/git/blobs/${sha}`]);
    for (const secret of [keystore.toString("base64"), password]) expectNoSlice(JSON.stringify([app.repo.checkRuns, app.repo.comments]), secret);
  }, 60_000);

  it("previews a rotated keystore's Secret masked, reading each version's blob once", async () => {
    const rotated = Buffer.concat([keystore.subarray(0, 8), randomBytes(120), Buffer.from("Jks-Rotated-Pass-7781-UV"), Buffer.from([0])]);
    repo = await createTestRepo(base);
    await repo.branch("rotate", "main", { "apps/tls/keystore.jks": rotated });
    app = await startApp(repo.dir);
    app.fake.openPullRequest(app.repo, { number: 1, title: "rotate", author: "dev", headRef: "rotate", baseRef: "main" });
    expect(await app.deliver("pull_request", opened())).toBe(200);
    await app.queue.onIdle();
    expect(app.repo.checkRuns.find((r) => r.name === "gitgate/validate")).toMatchObject({ status: "completed", conclusion: "success" });
    expect(blobRequests(app)).toHaveLength(2);
    // The generated Secret's name has its data's hash: the old one removed, the new one added, both masked.
    const comment = app.repo.comments[0]!.body;
    expect(comment.match(/<b>(added|removed)<\/b> <code>v1 Secret tls-[a-z0-9]+<\/code>/g)?.map((m) => m.slice(3, m.indexOf("</b>"))).sort()).toEqual(["added", "removed"]);
    for (const secret of [keystore.toString("base64"), rotated.toString("base64"), password, "Jks-Rotated-Pass-7781-UV"]) expectNoSlice(JSON.stringify([app.repo.checkRuns, app.repo.comments]), secret);
  }, 60_000);

  it("fails closed, naming the keystore, when GitHub does not serve its blob", async () => {
    const app = await bumpImage();
    app.fake.failNext("GET", /\/git\/blobs\//, 404);
    expect(await app.deliver("pull_request", opened())).toBe(200);
    await app.queue.onIdle();
    const validate = app.repo.checkRuns.find((r) => r.name === "gitgate/validate")!;
    expect(validate).toMatchObject({ status: "completed", conclusion: "failure" });
    const failed = ((validate.output.annotations ?? []) as { path: string; title?: string; message: string }[]).filter((a) => a.title === "render/failed");
    expect(failed.map((a) => a.path)).toEqual(["apps/tls/kustomization.yaml"]);
    expect(failed[0]!.message).toMatch(/^Kustomize target apps\/tls: rendering failed: not rendered: a binary file it reads could not be read: apps\/tls\/keystore\.jks \(blob [0-9a-f]{12} at [0-9a-f]{12}\) could not be read from GitHub: /);
    expect(blobRequests(app)).toHaveLength(1);
  }, 60_000);
});
