import { mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";

/**
 * An environment in which no OPA compiler can be found: GITGATE_OPA unset, the user's OPA cache moved
 * to an empty folder, and a PATH holding only node and git (symlinked into a fresh folder, so an `opa`
 * installed next to them is not visible).
 */
export function noOpaEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), "gitgate-no-opa-"));
  const bin = join(home, "bin");
  mkdirSync(bin);
  symlinkSync(process.execPath, join(bin, "node"));
  symlinkSync(execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim(), join(bin, "git"));
  const env: NodeJS.ProcessEnv = { ...base, HOME: home, XDG_CACHE_HOME: join(home, ".cache"), GITGATE_OPA_CACHE: join(home, "opa"), PATH: bin };
  delete env.GITGATE_OPA;
  return env;
}
