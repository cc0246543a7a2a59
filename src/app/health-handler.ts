import type { IncomingMessage, ServerResponse } from "node:http";
import type { Metrics } from "./metrics.js";

/**
 * /healthz: the process answers (liveness). /readyz: it has finished starting and is not draining
 * (readiness). /metrics: Prometheus text format.
 */
export function healthHandler(metrics: Metrics, isReady: () => boolean) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method !== "GET") return false;
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
      return true;
    }
    if (path === "/readyz") {
      const ready = isReady();
      res.writeHead(ready ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify({ status: ready ? "ready" : "not ready" }));
      return true;
    }
    if (path === "/metrics") {
      res.writeHead(200, { "content-type": metrics.registry.contentType }).end(await metrics.registry.metrics());
      return true;
    }
    return false;
  };
}
