#!/usr/bin/env node
// `npm start`: the Gitgate GitHub App, configured by the environment alone.
import { readServerConfig, ServerConfigError } from "./server-config.js";
import { createLogger, startServer } from "./start-server.js";

try {
  const config = readServerConfig(process.env);
  const log = createLogger(config);
  const server = await startServer(config, log);
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      log.info({ signal }, "shutting down");
      void server.stop().then(() => process.exit(0));
    });
  }
} catch (error) {
  if (error instanceof ServerConfigError) {
    console.error(`gitgate: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
