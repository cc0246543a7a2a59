import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import type { RenderOutcome } from "./render-types.js";

/** What the helper is asked to render (see tools/render/main.go for the protocol). */
/** `files`: repository path → text; `binaryFiles`: repository path → bytes, base64 (the binary files a target needs). */
export type HelperRequest =
  | { kind: "kustomize"; files: Record<string, string>; binaryFiles?: Record<string, string>; root: string }
  | { kind: "helm"; files: Record<string, string>; binaryFiles?: Record<string, string>; chart: string; values: ({ path: string } | { text: string })[]; release?: string; namespace?: string; kubeVersion?: string; sourceMarker: string };

export interface HelperBounds {
  timeoutMs: number;
  memoryMiB: number;
  /** Whether the helper may reach the network; without it, it has no proxy that works and no programs to run. */
  network: boolean;
}

/**
 * The protocol this code speaks (tools/render/main.go's protocolVersion, in every answer). A helper
 * speaking another, one GITGATE_RENDER names that was built from another version of Gitgate, is not
 * believed: an older one does not list the templates it rendered, so an archive's switched-off
 * templates would go unwarned.
 */
export const renderHelperProtocol = 5;

/** Rendered output larger than this is refused: no real target renders 64 MiB of manifests. */
const maxOutputBytes = 64 * 1024 * 1024;

/**
 * Runs the helper once for one version of one target, in its own process: killed past the time bound,
 * stopped by itself past the memory bound, with an environment that holds none of the parent's (no
 * tokens or keys reach it) and, unless `network`, no way out: no PATH (kustomize cannot run git) and
 * an HTTP(S) proxy that refuses every connection.
 */
export function runRenderHelper(binary: string, request: HelperRequest, bounds: HelperBounds): Promise<RenderOutcome> {
  const env: Record<string, string> = { HOME: tmpdir(), GOMAXPROCS: "2", GOGC: "100" };
  if (bounds.network) env.PATH = process.env.PATH ?? "/usr/bin:/bin";
  else Object.assign(env, { PATH: "", HTTP_PROXY: "http://127.0.0.1:9", HTTPS_PROXY: "http://127.0.0.1:9", NO_PROXY: "", http_proxy: "http://127.0.0.1:9", https_proxy: "http://127.0.0.1:9", no_proxy: "" });
  return new Promise((resolve) => {
    const child = spawn(binary, [], { env, stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = "";
    let settled = false;
    const finish = (outcome: RenderOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      finish({ ok: false, error: `rendering took longer than the time bound of ${bounds.timeoutMs / 1000} s (render.timeout_seconds) and was stopped` });
    }, bounds.timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxOutputBytes) {
        child.kill("SIGKILL");
        finish({ ok: false, error: `the rendered output is larger than ${maxOutputBytes / (1024 * 1024)} MiB and was refused` });
        return;
      }
      chunks.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString();
    });
    child.on("error", (error) => finish({ ok: false, error: `the render helper could not be started: ${error.message}`, cannotRender: true }));
    child.on("close", (code, signal) => {
      const text = Buffer.concat(chunks).toString("utf8");
      try {
        const reply = JSON.parse(text) as { ok: boolean; yaml?: string; error?: string; origins?: string[]; templates?: string[]; ignored?: string[]; protocol?: unknown };
        if (reply.protocol !== renderHelperProtocol) {
          finish({ ok: false, error: `the render helper speaks protocol ${typeof reply.protocol === "number" ? reply.protocol : "3 or older"}, not ${renderHelperProtocol}: it was built from another version of Gitgate (build this version's tools/render, npm run render-helper, and point GITGATE_RENDER at it)`, cannotRender: true });
          return;
        }
        if (reply.ok) finish({ ok: true, yaml: reply.yaml ?? "", ...(reply.origins ? { origins: reply.origins } : {}), ...(reply.templates ? { templateNames: reply.templates } : {}), ...(reply.ignored ? { ignored: reply.ignored } : {}) });
        else finish({ ok: false, error: reply.error ?? "rendering failed" });
      } catch {
        // A Go runtime that hit the address-space or memory limit dies with "out of memory" on stderr.
        const why = /out of memory/i.test(stderr) ? `rendering used more than the memory bound of ${bounds.memoryMiB} MiB and was stopped`
          : `the render helper stopped without an answer (${signal ?? `exit status ${code}`})`;
        finish({ ok: false, error: why });
      }
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(JSON.stringify({ ...request, memoryMiB: bounds.memoryMiB }));
  });
}
