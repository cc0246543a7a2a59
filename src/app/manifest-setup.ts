import { run } from "probot";

/**
 * Whether `npm start` should register the App instead of serving it: no App id and no key anywhere
 * (environment or .env), outside production. In production a missing id is an error, as before.
 */
export function needsManifestSetup(env: NodeJS.ProcessEnv): boolean {
  return !env.APP_ID && !env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH && env.NODE_ENV !== "production";
}

/**
 * Probot's own setup mode: a page on localhost (`/probot`) that posts the manifest built from app.yml
 * to GitHub's "new App" page; GitHub sends the browser back to `/probot/setup?code=…`, where Probot
 * exchanges the code (`POST /app-manifests/{code}/conversions`) and writes APP_ID, PRIVATE_KEY,
 * WEBHOOK_SECRET and the client id and secret to `.env`. Restart `npm start` and it runs the App.
 * GHE_HOST / GHE_PROTOCOL point it at GitHub Enterprise (or a local fake GitHub).
 */
export async function startManifestSetup(env: NodeJS.ProcessEnv): Promise<void> {
  // Probot would otherwise open a smee.io channel (a third-party webhook proxy, fetched with npx) for
  // local development; the manifest's hook URL (app.yml) is where GitHub delivers Gitgate's webhooks.
  env.NO_SMEE_SETUP ??= "true";
  await run(() => {}, { env });
}
