import type { IncomingMessage, ServerResponse } from "node:http";

/** GitHub caps webhook payloads at 25 MB; anything larger did not come from GitHub. */
export const maxWebhookBytes = 25 * 1024 * 1024;

/** How long a refused client may go on sending (discarded) before its connection is closed. */
const refusalGraceMs = 2000;

type Middleware = (req: IncomingMessage, res: ServerResponse, next?: () => void) => Promise<boolean> | boolean;

/**
 * Puts a size limit in front of the webhook middleware, which would otherwise read any body whole
 * before checking its signature. A declared Content-Length over the limit is refused (413) without
 * reading a byte; a body without one (chunked) is counted as it streams and refused once it passes the
 * limit. A body within the limit is handed on already read (`rawBody`, which @octokit/webhooks uses
 * instead of reading the stream again).
 */
export function limitWebhookBody(middleware: Middleware, path: string, maxBytes = maxWebhookBytes): Middleware {
  return async (req, res, next) => {
    if (req.method !== "POST" || (req.url ?? "").split("?")[0] !== path) return middleware(req, res, next);
    const declared = req.headers["content-length"] === undefined ? undefined : Number(req.headers["content-length"]);
    if (declared !== undefined && !(declared <= maxBytes)) return refuse(req, res, maxBytes);
    const body = await readAtMost(req, maxBytes);
    if (body === undefined) return refuse(req, res, maxBytes);
    Object.assign(req, { rawBody: body, body: {} });
    return middleware(req, res, next);
  };
}

function readAtMost(req: IncomingMessage, maxBytes: number): Promise<Uint8Array | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      req.off("data", onData);
      chunks.length = 0;
      resolve(undefined);
    };
    req.on("data", onData);
    req.once("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.once("error", () => resolve(undefined));
  });
}

function refuse(req: IncomingMessage, res: ServerResponse, maxBytes: number): true {
  if (!res.headersSent) {
    res.writeHead(413, { "content-type": "application/json" })
      .end(JSON.stringify({ error: `webhook payload larger than ${maxBytes} bytes refused: GitHub sends at most 25 MB` }));
  }
  // Whatever the client still sends is discarded, not kept; closing at once would reset the connection
  // under a client still writing, which may then never see the 413. So the answer does not say
  // `connection: close` (Node closes such a connection as soon as the answer is sent: 13–18 clients in
  // 100 saw a broken pipe); after a short grace the connection goes anyway.
  req.resume();
  res.once("finish", () => setTimeout(() => req.socket.destroy(), refusalGraceMs).unref());
  return true;
}
