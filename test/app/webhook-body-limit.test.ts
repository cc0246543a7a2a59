import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { limitWebhookBody, maxWebhookBytes } from "../../src/app/webhook-body-limit.js";

// A client still sending a refused body must be able to read the 413: a server that closes the
// connection as soon as it has answered resets it under the client's write, and the client then sees
// a broken pipe instead of the answer (13–18 tries in 100 before this was fixed).
describe("a webhook body over the limit", () => {
  const path = "/api/github/webhooks";
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const limited = limitWebhookBody((_req, res) => {
      res.writeHead(202).end();
      return true;
    }, path);
    server = createServer((req, res) => void limited(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  // Sends 32 MiB (GitHub's limit is 25 MB) without waiting; once answered, stops and hangs up, as a
  // client would.
  const post = () => new Promise<number | string>((resolve) => {
    let answered = false;
    const req = request(url, { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } }, (res) => {
      answered = true;
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on("error", (error: NodeJS.ErrnoException) => resolve(answered ? "answered" : error.code ?? error.message));
    const chunk = Buffer.alloc(4 * 1024 * 1024, "a");
    let left = 8;
    const write = () => {
      while (left > 0 && !answered) {
        left--;
        if (!req.write(chunk)) return void req.once("drain", write);
      }
      if (!answered) req.end();
    };
    write();
  });

  it("is answered 413 while the client is still sending, every time", async () => {
    expect(8 * 4 * 1024 * 1024).toBeGreaterThan(maxWebhookBytes);
    // The race is won or lost by timing: a hundred tries lost it at least once before the fix.
    const outcomes = new Map<number | string, number>();
    for (let i = 0; i < 100; i++) {
      const outcome = await post();
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    expect(Object.fromEntries(outcomes)).toEqual({ 413: 100 });
  });
});
