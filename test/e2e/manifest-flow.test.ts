import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeGitHub } from "../../src/fake-github/fake-github.js";
import { serveFakeGitHub } from "../../src/fake-github/http-server.js";
import { startServerProcess, type ServerProcess } from "../../src/demo/server-process.js";

// `npm start` with no App yet, as a new operator runs it: Probot's setup page registers the App from
// app.yml through GitHub's manifest flow, the code exchange writes .env, and the next start serves.
const root = new URL("../../", import.meta.url).pathname;
let fake: FakeGitHub;
let github: Awaited<ReturnType<typeof serveFakeGitHub>>;
let dir: string;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  fake = new FakeGitHub(1);
  github = await serveFakeGitHub(fake);
  dir = mkdtempSync(join(tmpdir(), "gitgate-setup-"));
  for (const file of ["app.yml", "package.json"]) copyFileSync(join(root, file), join(dir, file));
});
afterAll(async () => {
  for (const server of servers) await server.stop();
  fake?.close();
  await github?.close();
});

const githubEnv = () => ({ GHE_HOST: new URL(github.url).host, GHE_PROTOCOL: "http", LOG_LEVEL: "info" });

describe("registering the App from its manifest", () => {
  it("serves the setup page, exchanges GitHub's code, writes .env, and then runs the App", async () => {
    const setup = await startServerProcess(githubEnv(), join(dir, "setup.log"), { cwd: dir, readyPath: "/probot", inherit: false });
    servers.push(setup);
    const page = await (await fetch(`${setup.url}/probot`)).text();
    // The form posts app.yml's manifest to GitHub's "new App" page (here: the fake GitHub's).
    expect(page).toContain(`action="${github.url}/settings/apps/new"`);
    const manifest = JSON.parse(/name="manifest" id="manifest" value='([^']*)'/.exec(page)![1]!) as Record<string, unknown>;
    const declared = parse(readFileSync(join(root, "app.yml"), "utf8")) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      name: "Gitgate",
      redirect_url: `${setup.url}/probot/setup`,
      default_events: declared.default_events,
      default_permissions: declared.default_permissions,
    });

    // The operator confirms on GitHub, which sends the browser back with a one-time code.
    const code = fake.confirmManifest(manifest);
    const back = await fetch(`${setup.url}/probot/setup?code=${code}`, { redirect: "manual" });
    expect(back.status).toBe(302);
    expect(back.headers.get("location")).toBe(`${github.url}/apps/gitgate/installations/new`);
    expect(fake.requests.filter((r) => r.method === "POST" && /\/app-manifests\/[^/]+\/conversions$/.test(r.url))).toHaveLength(1);

    const [app] = fake.registeredApps;
    const env = parseEnv(readFileSync(join(dir, ".env"), "utf8"));
    expect(env).toMatchObject({ APP_ID: String(app!.id), WEBHOOK_SECRET: app!.webhookSecret, PRIVATE_KEY: app!.pem });
    // A code works once.
    expect((await fetch(`${setup.url}/probot/setup?code=${code}`)).status).toBe(500);
    await setup.stop();

    // Restarted in production with nothing but .env: the App runs, authenticated as the new App.
    const server = await startServerProcess({ ...githubEnv(), NODE_ENV: "production" }, join(dir, "server.log"), { cwd: dir, inherit: false });
    servers.push(server);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const jwt = fake.requests.find((r) => r.url.includes("/app/hook/deliveries"))?.headers.authorization;
    const claims = JSON.parse(Buffer.from(String(jwt).replace(/^bearer /i, "").split(".")[1]!, "base64url").toString()) as { iss: unknown };
    expect(String(claims.iss)).toBe(String(app!.id));
  });

  it("still refuses to start in production without an App", async () => {
    const empty = mkdtempSync(join(tmpdir(), "gitgate-noapp-"));
    await expect(startServerProcess({ ...githubEnv(), NODE_ENV: "production" }, join(empty, "server.log"), { cwd: empty, inherit: false })).rejects.toThrow(/exited with status 2/);
    expect(readFileSync(join(empty, "server.log"), "utf8")).toContain("APP_ID must be the App's numeric id");
  });
});
