import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Returns the path of a Go-built tool pinned to one version, building it with `go install` into
 * `target`'s folder on first use (the Go module proxy serves the module). Exits with status 2 and a
 * clear message when that is impossible.
 */
export function ensureGoTool(target: string, module: string, version: string): string {
  if (existsSync(target)) return target;
  mkdirSync(dirname(target), { recursive: true });
  console.error(`Installing ${module}@${version} into ${dirname(target)} with go install (first run only)…`);
  const install = spawnSync("go", ["install", `${module}@${version}`], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, GOBIN: dirname(target), CGO_ENABLED: "0" },
  });
  if (install.status !== 0 || !existsSync(target)) {
    console.error(`Could not install ${module}: Go and the Go module proxy are needed once.`);
    process.exit(2);
  }
  return target;
}
