import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * An environment in which no OPA compiler can be found: GITGATE_OPA unset, HOME and the user's OPA
 * cache moved to an empty folder, and a PATH holding only node and git (and npm when asked), symlinked
 * into a fresh folder so an `opa` installed next to them is not visible. npm keeps the real npm cache.
 */
export function noOpaEnv(options: { npm?: boolean } = {}): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), "gitgate-no-opa-"));
  const bin = join(home, "bin");
  mkdirSync(bin);
  const which = (tool: string) => realpathSync(execFileSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim());
  symlinkSync(process.execPath, join(bin, "node"));
  symlinkSync(which("git"), join(bin, "git"));
  if (options.npm) symlinkSync(which("npm"), join(bin, "npm"));
  const npmCache = execFileSync("npm", ["config", "get", "cache"], { encoding: "utf8" }).trim();
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_CACHE_HOME: join(home, ".cache"), GITGATE_OPA_CACHE: join(home, "opa"), PATH: bin, npm_config_cache: npmCache };
  delete env.GITGATE_OPA;
  return env;
}
