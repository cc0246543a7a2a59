import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";

// The built CLI's threads keep the code V8 compiled in their first run (src/evaluation/thread-code-cache.ts)
// beside Node's compile cache: their bundles', and the built-in Kubernetes kinds' they load. What a user sees must not depend on it: the same report whether the
// cache is missing, valid, damaged or made by another build, and a cache that is valid is read, not
// written again.
const bin = join(new URL("../../", import.meta.url).pathname, "dist/cli/bin.js");
const files = {
  ".github/gitgate.yml": "version: 1\nschemas:\n  - files: 'k8s/*.yaml'\n    schema: kubernetes\npolicies:\n  paths: [policy/]\n",
  "policy/main.rego": 'package main\n\nimport rego.v1\n\ndeny contains msg if {\n\tinput.kind == "Service"\n\tnot input.metadata.labels.team\n\tmsg := sprintf("Service %v has no team label", [input.metadata.name])\n}\n',
  // A port must be an integer.
  "k8s/web.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: eighty\n",
};
const expected = [
  "error main/deny k8s/web.yaml:1:1",
  "error schema/type k8s/web.yaml:7:13",
];

/** A thread's bundle's cache files, and a module's (a kind's, or a chunk the kinds share). */
const isModule = (file: string) => file.endsWith(".module.code");
const bundles = (files: Iterable<string> | Map<string, number>) => [...(files instanceof Map ? files.keys() : files)].filter((file) => file.endsWith(".code") && !isModule(file));
const modules = (files: Iterable<string> | Map<string, number>) => [...(files instanceof Map ? files.keys() : files)].filter(isModule);

describe("the CLI threads' code cache", () => {
  let repo: TestRepo;
  let cacheRoot: string;
  beforeAll(async () => {
    repo = await createTestRepo(files);
    cacheRoot = mkdtempSync(join(tmpdir(), "gitgate-node-cache-"));
  });
  afterAll(async () => {
    await repo.remove();
    rmSync(cacheRoot, { recursive: true, force: true });
  });

  function validate(env: NodeJS.ProcessEnv = {}) {
    const run = spawnSync(process.execPath, [bin, "validate", "--format", "json"], {
      cwd: repo.dir, encoding: "utf8", env: { ...process.env, NODE_COMPILE_CACHE: cacheRoot, ...env },
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { findings: { severity: string; rule: string; path: string; line: number; column: number }[] };
    return report.findings.map((f) => `${f.severity} ${f.rule} ${f.path}:${f.line}:${f.column}`);
  }
  /** The cache files, by name, with the inode each has now: a file written again is a new inode. */
  function caches(): Map<string, number> {
    const folders = readdirSync(cacheRoot).map((version) => join(cacheRoot, version, "gitgate")).filter((folder) => existsSync(folder));
    return new Map(folders.flatMap((folder) => readdirSync(folder).map((name) => [join(folder, name), statSync(join(folder, name)).ino] as const)));
  }

  it("is written by the first run of each thread (the evaluation and the policy's), and for each module of the kinds it loaded", () => {
    expect(validate()).toEqual(expected);
    const written = caches();
    expect([...written.keys()].every((file) => file.endsWith(".code"))).toBe(true);
    expect(bundles(written).length).toBe(2);
    // The Service's module and the chunks it requires.
    expect(modules(written).length).toBeGreaterThanOrEqual(2);
  });

  it("is read, not written again, by the next run", () => {
    const before = caches();
    expect(validate()).toEqual(expected);
    expect(caches()).toEqual(before);
  });

  it("is replaced when V8 refuses it (damaged) or it was made from another build", () => {
    // A kind's module damaged, a thread's bundle from another build.
    const [damaged] = modules(caches()) as [string];
    const [foreign] = bundles(caches()) as [string];
    const digestBytes = 32;
    const content = readFileSync(damaged);
    const garbage = Buffer.concat([content.subarray(0, digestBytes), Buffer.alloc(content.length - digestBytes, 7)]);
    writeFileSync(damaged, garbage);
    const other = readFileSync(foreign);
    writeFileSync(foreign, Buffer.concat([Buffer.alloc(digestBytes), other.subarray(digestBytes)]));
    const before = caches();
    expect(validate()).toEqual(expected);
    const after = caches();
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const file of [damaged, foreign]) expect(after.get(file)).not.toBe(before.get(file));
    expect(readFileSync(damaged).subarray(0, digestBytes)).toEqual(content.subarray(0, digestBytes));
    expect(readFileSync(damaged).equals(garbage)).toBe(false);
    expect(readFileSync(foreign).subarray(0, digestBytes)).toEqual(other.subarray(0, digestBytes));
  });

  it("is not used when another user could have written it, and is replaced by one only its owner can", () => {
    // A thread's bundle's, and a kind's module's.
    const shared = [bundles(caches())[0]!, modules(caches())[0]!];
    for (const file of shared) chmodSync(file, 0o666);
    const before = caches();
    expect(validate()).toEqual(expected);
    for (const file of shared) {
      expect(caches().get(file)).not.toBe(before.get(file));
      expect(statSync(file).mode & 0o077).toBe(0);
    }
  });

  it("lives in the user's cache folder by default, not in the shared temporary folder", () => {
    const home = mkdtempSync(join(tmpdir(), "gitgate-home-"));
    try {
      // The OPA compiler this machine has stays where it is (it is kept in the user's cache folder too).
      const opa = process.env.GITGATE_OPA_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "gitgate", "opa");
      const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: home, GITGATE_OPA_CACHE: opa };
      delete env.NODE_COMPILE_CACHE;
      const run = spawnSync(process.execPath, [bin, "validate", "--format", "json"], { cwd: repo.dir, encoding: "utf8", env });
      expect(run.stderr).toBe("");
      expect(run.status).toBe(1);
      const root = join(home, "gitgate", "node-compile-cache");
      const codes = readdirSync(root).flatMap((version) => readdirSync(join(root, version, "gitgate")));
      expect(bundles(codes).length).toBe(2);
      expect(modules(codes).length).toBeGreaterThanOrEqual(2);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("is neither read nor written when Node's compile cache is turned off", () => {
    rmSync(cacheRoot, { recursive: true, force: true });
    expect(validate({ NODE_DISABLE_COMPILE_CACHE: "1" })).toEqual(expected);
    expect(existsSync(cacheRoot) ? caches().size : 0).toBe(0);
  });
});
