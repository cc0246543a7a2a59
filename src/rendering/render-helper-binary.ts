import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The render helper (tools/render): one small Go program that links kustomize's API and Helm's
 * template engine at the versions its go.mod pins. It is built from the repository's own source once
 * per machine, into the user's cache like the OPA compiler, under a digest of that source: a change to
 * the helper or a version bump builds a new one, an unchanged checkout costs nothing.
 */
export const renderToolSource = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "tools", "render");

const cacheRoot = () => process.env.GITGATE_RENDER_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "gitgate", "render");

/** A digest of the helper's source (go.mod, go.sum, Go files), or undefined where the source is not shipped. */
export function renderToolDigest(source = renderToolSource): string | undefined {
  if (!existsSync(join(source, "go.mod"))) return undefined;
  const hash = createHash("sha256");
  for (const name of readdirSync(source).filter((n) => n === "go.mod" || n === "go.sum" || n.endsWith(".go")).sort()) {
    hash.update(name).update("\0").update(readFileSync(join(source, name))).update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/** Where the helper built from this source lives. */
export function cachedRenderHelperPath(source = renderToolSource): string | undefined {
  const digest = renderToolDigest(source);
  return digest ? join(cacheRoot(), digest, "gitgate-render") : undefined;
}

export const missingRenderHelperMessage =
  "rendering Kustomize and Helm needs the gitgate-render helper, which was not found. In a Gitgate clone `npm run render-helper` builds it " +
  "with Go (once per machine, into ~/.cache/gitgate/render/); elsewhere build tools/render with `go build` and set GITGATE_RENDER to its path, " +
  "or turn rendering off with `render: false`";

/** GITGATE_RENDER, else the helper built from this checkout's source, else undefined. */
export function findRenderHelper(): string | undefined {
  for (const candidate of [process.env.GITGATE_RENDER, cachedRenderHelperPath()]) {
    if (!candidate) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

/**
 * Builds the helper into the cache when it is not there yet (Go and the Go module proxy are needed
 * once), and returns its path. The build goes to a temporary name first, so a build that is stopped
 * half-way never leaves a broken helper in the cache.
 */
export function ensureRenderHelper(log: (line: string) => void = (line) => console.error(line)): string {
  const target = cachedRenderHelperPath();
  if (!target) throw new Error(`the render helper's source is not here (${renderToolSource})`);
  if (existsSync(target)) return target;
  mkdirSync(dirname(target), { recursive: true });
  log(`Building the render helper (kustomize and Helm, pinned in tools/render/go.mod) into ${dirname(target)} (first run only)…`);
  const partial = `${target}.${process.pid}.partial`;
  const build = spawnSync("go", ["build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w", "-o", partial, "."], {
    cwd: renderToolSource,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, CGO_ENABLED: "0" },
  });
  if (build.status !== 0 || !existsSync(partial)) throw new Error("could not build the render helper: Go and the Go module proxy are needed once");
  renameSync(partial, target);
  return target;
}
