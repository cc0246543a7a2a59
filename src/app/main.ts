#!/usr/bin/env node
// `npm start`: the Gitgate GitHub App, configured by the environment (and a .env file). With no App
// credentials at all, outside production, it serves Probot's manifest setup page instead.
import { existsSync } from "node:fs";
import { needsManifestSetup, startManifestSetup } from "./manifest-setup.js";
import { readServerConfig, ServerConfigError } from "./server-config.js";
import { createLogger, startServer } from "./start-server.js";

// Credentials the manifest flow wrote, for a server started from this folder; the environment wins.
if (existsSync(".env")) process.loadEnvFile(".env");

try {
  if (needsManifestSetup(process.env)) {
    await startManifestSetup(process.env);
  } else {
    await serve();
  }
} catch (error) {
  if (error instanceof ServerConfigError) {
    console.error(`gitgate: ${error.message}`);
    process.exit(2);
  }
  throw error;
}

async function serve(): Promise<void> {
  const config = readServerConfig(process.env);
  const log = createLogger(config);
  const server = await startServer(config, log);
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      log.info({ signal }, "shutting down");
      void server.stop().then(() => process.exit(0));
    });
  }
}
