import { createServer, type Server } from "node:http";
import type { FakeGitHub } from "./fake-github.js";

/** Serves a fake GitHub over HTTP, for the end-to-end tests and the demo (GHE_HOST points here). */
export async function serveFakeGitHub(fake: FakeGitHub, port = 0): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const raw = Buffer.concat(chunks).toString();
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        res.writeHead(400, { "content-type": "application/json" }).end('{"message":"Problems parsing JSON"}');
        return;
      }
      const response = await fake.handle({ method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, body });
      res.writeHead(response.status, { "content-type": "application/json; charset=utf-8", ...response.headers });
      res.end(response.body === undefined ? "" : JSON.stringify(response.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  fake.publicUrl = `http://127.0.0.1:${actualPort}/api/v3`;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
