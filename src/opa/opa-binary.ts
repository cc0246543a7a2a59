import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { access, constants, mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

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
  /** What `opa capabilities --current` says of the language: its features and future keywords. */
  language: OpaLanguage;
}

export interface OpaLanguage {
  features: unknown[];
  future_keywords: unknown[];
}

let found: Promise<OpaBinary | undefined> | undefined;

/**
 * GITGATE_OPA, else the pinned compiler in the user's cache, else `opa` on PATH; undefined when there is
 * none. What a binary says of itself is kept in `cacheDir` by the binary's identity (path, inode, size,
 * modification time): asking it took two processes on every CLI run, before a policy compiled long ago
 * could be read from the cache. A binary that is replaced or updated is asked again.
 */
export function findOpa(cacheDir: string): Promise<OpaBinary | undefined> {
  found ??= (async () => {
    const candidates = [process.env.GITGATE_OPA, cachedOpaPath, "opa"].filter((c): c is string => Boolean(c));
    for (const candidate of candidates) {
      const path = candidate.includes("/") ? candidate : await onPath(candidate);
      const info = path !== undefined ? await stat(path).catch(() => undefined) : undefined;
      if (path === undefined || !info || !(await isExecutable(path))) continue;
      const identity = createHash("sha256").update(JSON.stringify([path, info.ino, info.size, info.mtimeMs])).digest("hex");
      const known = join(cacheDir, `opa-${identity.slice(0, 32)}.json`);
      const told = await readFile(known, "utf8").then((text) => JSON.parse(text) as OpaBinary, () => undefined);
      if (told?.path === path && typeof told.version === "string" && told.language) return told;
      const asked = await askOpa(path);
      if (!asked) continue;
      // A cache that cannot be written is skipped: the binary is asked again next time.
      await writeFileAtomically(known, JSON.stringify(asked)).catch(() => undefined);
      return asked;
    }
    return undefined;
  })();
  return found;
}

async function askOpa(path: string): Promise<OpaBinary | undefined> {
  try {
    const { stdout } = await run(path, ["version"], { timeout: 10_000 });
    const version = /^Version:\s*(\S+)/m.exec(stdout)?.[1];
    if (!version) return undefined;
    const current = JSON.parse((await run(path, ["capabilities", "--current"], { maxBuffer: 32 * 1024 * 1024 })).stdout) as Partial<OpaLanguage>;
    return { path, version, language: { features: current.features ?? [], future_keywords: current.future_keywords ?? [] } };
  } catch {
    return undefined;
  }
}

/** The file a bare command name runs, as the shell finds it on PATH. */
async function onPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const path = join(dir || ".", name);
    if (await isExecutable(path)) return path;
  }
  return undefined;
}

const isExecutable = (path: string) => access(path, constants.X_OK).then(() => true, () => false);

async function writeFileAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // Write then rename, so a concurrent reader never sees half a file.
  await writeFile(`${path}.${process.pid}`, text);
  await rename(`${path}.${process.pid}`, path);
}
