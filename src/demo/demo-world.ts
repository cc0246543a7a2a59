import { generateKeyPairSync, randomBytes } from "node:crypto";
import { buildExampleRepo, listExamplePrs, type ExamplePr, type ExampleRepo } from "../examples/example-repo.js";
import { FakeGitHub } from "../fake-github/fake-github.js";
import type { FakeRepository } from "../fake-github/fake-state.js";
import { serveFakeGitHub } from "../fake-github/http-server.js";

export const demoTarget = { owner: "acme", repo: "platform-config", installationId: 1 };
export const demoAppId = 1001;

export interface DemoWorld {
  fake: FakeGitHub;
  repo: FakeRepository;
  example: ExampleRepo;
  prs: (ExamplePr & { number: number })[];
  /** Environment for `npm start` against this fake GitHub. */
  env: Record<string, string>;
  webhookSecret: string;
  close(): Promise<void>;
}

/**
 * A fake GitHub on localhost seeded from examples/: the sample repository with one open pull request
 * per prepared PR, and a freshly generated App key and webhook secret.
 */
export async function createDemoWorld(): Promise<DemoWorld> {
  const examplePrs = await listExamplePrs();
  const example = await buildExampleRepo(examplePrs);
  const fake = new FakeGitHub(demoAppId);
  const repo = fake.addRepository(demoTarget.owner, demoTarget.repo, example.dir, demoTarget.installationId);
  const prs = examplePrs.map((pr, i) => ({ ...pr, number: i + 1 }));
  for (const pr of prs) fake.openPullRequest(repo, { number: pr.number, title: pr.title, author: pr.author, headRef: pr.name, baseRef: "main" });
  const http = await serveFakeGitHub(fake);
  const webhookSecret = randomBytes(24).toString("hex");
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
  return {
    fake,
    repo,
    example,
    prs,
    webhookSecret,
    env: {
      NODE_ENV: "production",
      APP_ID: String(demoAppId),
      PRIVATE_KEY: Buffer.from(privateKey).toString("base64"),
      WEBHOOK_SECRET: webhookSecret,
      GHE_HOST: new URL(http.url).host,
      GHE_PROTOCOL: "http",
      LOG_LEVEL: "info",
    },
    async close() {
      fake.close();
      await http.close();
      await example.remove();
    },
  };
}
