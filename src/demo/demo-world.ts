import { generateKeyPairSync, randomBytes } from "node:crypto";
import { buildExampleRepo, listExamplePrs, type ExamplePr, type ExampleRepo } from "../examples/example-repo.js";
import { FakeGitHub } from "../fake-github/fake-github.js";
import type { FakeRepository } from "../fake-github/fake-state.js";
import { serveFakeGitHub } from "../fake-github/http-server.js";

export const demoTarget = { owner: "acme", repo: "platform-config", installationId: 1 };
export const demoAppId = 1001;

export interface FakeGitHubWorld {
  fake: FakeGitHub;
  repo: FakeRepository;
  /** Environment for `npm start` against this fake GitHub. */
  env: Record<string, string>;
  webhookSecret: string;
  close(): Promise<void>;
}

export interface DemoWorld extends FakeGitHubWorld {
  example: ExampleRepo;
  prs: (ExamplePr & { number: number })[];
}

/**
 * A fake GitHub on localhost serving one repository (a git directory) with the given open pull
 * requests, and a freshly generated App key and webhook secret to start Gitgate with.
 */
export async function createFakeGitHubWorld(gitDir: string, pulls: { number: number; title: string; author: string; branch: string }[]): Promise<FakeGitHubWorld> {
  const fake = new FakeGitHub(demoAppId);
  const repo = fake.addRepository(demoTarget.owner, demoTarget.repo, gitDir, demoTarget.installationId);
  for (const pr of pulls) fake.openPullRequest(repo, { number: pr.number, title: pr.title, author: pr.author, headRef: pr.branch, baseRef: "main" });
  const http = await serveFakeGitHub(fake);
  const webhookSecret = randomBytes(24).toString("hex");
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
  return {
    fake,
    repo,
    webhookSecret,
    env: {
      NODE_ENV: "production",
      APP_ID: String(demoAppId),
      PRIVATE_KEY: Buffer.from(privateKey).toString("base64"),
      WEBHOOK_SECRET: webhookSecret,
      GHE_HOST: new URL(http.url).host,
      GHE_PROTOCOL: "http",
      LOG_LEVEL: "info",
      // The demo's and tests' PRs wait for the webhooks they are sent: no sweep judges them first.
      GITGATE_RECONCILE_INTERVAL_MINUTES: "off",
      // Nor a look at branch protection: the fake repository is unprotected, which is not the demo's story.
      GITGATE_PROTECTION_SWEEP_MINUTES: "0",
    },
    async close() {
      fake.close();
      await http.close();
    },
  };
}

/** The fake GitHub seeded from examples/: the sample repository with one open PR per prepared PR. */
export async function createDemoWorld(): Promise<DemoWorld> {
  const examplePrs = await listExamplePrs();
  const example = await buildExampleRepo(examplePrs);
  const prs = examplePrs.map((pr, i) => ({ ...pr, number: i + 1 }));
  const world = await createFakeGitHubWorld(example.dir, prs.map((pr) => ({ number: pr.number, title: pr.title, author: pr.author, branch: pr.name })));
  // The people examples/repo's approval rules name: two platform leads, one admin; everyone here can push.
  world.repo.teams.set("platform-leads", ["lee", "kim"]);
  world.repo.teams.set("platform-admins", ["ada"]);
  for (const login of ["lee", "kim", "ada", ...prs.map((pr) => pr.author)]) world.repo.writers.add(login);
  return {
    ...world,
    example,
    prs,
    async close() {
      await world.close();
      await example.remove();
    },
  };
}
