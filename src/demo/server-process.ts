import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

const main = fileURLToPath(new URL(import.meta.url.endsWith(".ts") ? "../../dist/app/main.js" : "../app/main.js", import.meta.url));

/**
 * Starts Gitgate exactly as `npm start` does (node dist/app/main.js, configured by the environment
 * alone, and a `.env` in its folder) and waits until /readyz (or `readyPath`) answers. Its JSON log
 * goes to `logFile`.
 */
export async function startServerProcess(
  env: Record<string, string>,
  logFile: string,
  options: { cwd?: string; readyPath?: string; inherit?: boolean; nodeArgs?: string[] } = {},
): Promise<ServerProcess> {
  const port = await freePort();
  // `inherit: false` starts from an empty environment (but PATH): what a fresh `npm start` sees.
  const base = options.inherit === false ? { PATH: process.env.PATH ?? "" } : process.env;
  // `nodeArgs`: e.g. --cpu-prof, which NODE_OPTIONS does not take.
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), main], {
    env: { ...base, ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const log = createWriteStream(logFile);
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with status ${child.exitCode}; see ${logFile}`);
    try {
      if ((await fetch(`${url}${options.readyPath ?? "/readyz"}`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the server did not become ready; see ${logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    child,
    stop: () =>
      new Promise((resolve) => {
        // Exited already, by itself or by a signal (a process without a SIGTERM handler dies of it).
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
