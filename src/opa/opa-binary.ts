import { execFile } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

/** The OPA release Gitgate compiles with. scripts/ensure-opa.ts installs exactly this one. */
export const pinnedOpaVersion = "v1.22.3";

/**
 * Where `npm run opa` puts the pinned compiler: the user's cache, like Go's own, so every clone on a
 * machine shares one build of it (GITGATE_OPA_CACHE moves it).
 */
export const cachedOpaPath = join(process.env.GITGATE_OPA_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "gitgate", "opa"), pinnedOpaVersion, "opa");

/**
 * What a person whose repository has its own Rego, on a machine without the compiler, reads: the exact
 * release and the ways to get it (the built-in packs need none, they ship compiled).
 */
export const missingOpaMessage =
  `the repository's own Rego policies (policies.paths) need the OPA compiler ${pinnedOpaVersion}, which was not found ` +
  `(the built-in packs need none). ` +
  `Install it with \`go install github.com/open-policy-agent/opa@${pinnedOpaVersion}\` (or download the ${pinnedOpaVersion} "static" binary ` +
  `for your platform from OPA's GitHub releases), then put \`opa\` on PATH or set GITGATE_OPA to its path; in a Gitgate clone \`npm run opa\` does this`;

export interface OpaBinary {
  path: string;
  version: string;
}

let found: Promise<OpaBinary | undefined> | undefined;

/** GITGATE_OPA, else the pinned compiler in the user's cache, else `opa` on PATH; undefined when there is none. */
export function findOpa(): Promise<OpaBinary | undefined> {
  found ??= (async () => {
    const candidates = [process.env.GITGATE_OPA, cachedOpaPath, "opa"].filter((c): c is string => Boolean(c));
    for (const path of candidates) {
      if (path.includes("/")) {
        try {
          await access(path, constants.X_OK);
        } catch {
          continue;
        }
      }
      const version = await opaVersion(path);
      if (version) return { path, version };
    }
    return undefined;
  })();
  return found;
}

async function opaVersion(path: string): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)(path, ["version"], { timeout: 10_000 });
    return /^Version:\s*(\S+)/m.exec(stdout)?.[1];
  } catch {
    return undefined;
  }
}
