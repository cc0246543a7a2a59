import { spawn, type ChildProcess } from "node:child_process";
import { createServer, connect } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";

export interface RedisServer {
  url: string;
  port: number;
  /** Stops it like a crash (SIGKILL) or an orderly shutdown. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port (after `stop`), empty. */
  restart(): Promise<void>;
}

/**
 * A real Redis (Debian's redis-server) on a free loopback port, nothing persisted. `.ci/run` installs
 * it when missing.
 */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"], { stdio: "ignore" });
    const deadline = Date.now() + 10_000;
    while (!(await answers(port))) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with status ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error("redis-server did not start");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: (signal = "SIGTERM") =>
      new Promise<void>((resolve) => {
        if (!child || child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      }),
    restart: launch,
  };
}

/**
 * A Redis for the calling test file: started before its tests, stopped after them. `flush` empties it,
 * so that a test starts with nothing another one left.
 */
export function redisForTests(): RedisServer & { flush(): Promise<void> } {
  let server: RedisServer | undefined;
  beforeAll(async () => {
    server = await startRedis();
  }, 20_000);
  afterAll(async () => {
    await server?.stop();
  });
  const started = () => {
    if (!server) throw new Error("Redis starts before the file's tests");
    return server;
  };
  return {
    get url() {
      return started().url;
    },
    get port() {
      return started().port;
    },
    stop: (signal) => started().stop(signal),
    restart: () => started().restart(),
    async flush() {
      const client = new Redis(started().url);
      await client.flushall();
      await client.quit();
    },
  };
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.write("PING\r\n");
      socket.once("data", (data) => {
        socket.destroy();
        resolve(data.toString().startsWith("+PONG"));
      });
    });
    socket.once("error", () => resolve(false));
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
