import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// A one-file `gitgate validate` is mostly start-up, and the main thread starts beside the evaluation
// worker on a machine with few cores. The config's globs are matched in the worker, so the main thread
// of a validate must not load the glob compiler (picomatch and RE2, whose tables take milliseconds to
// build): only a glob typed on the command line loads it.
const bundle = join(new URL("../../", import.meta.url).pathname, "dist/bundle");

/** The bundle files a file loads before it runs: its static imports, and theirs. */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const [, imported] of readFileSync(join(bundle, file), "utf8").matchAll(/\bfrom\s*"\.\/([^"]+)"/g)) staticClosure(imported!, seen);
  return seen;
}

describe("the CLI bundle's main thread", () => {
  it("loads no glob compiler for a validate of named files", () => {
    const validate = readdirSync(bundle).find((file) => /^validate-command-.*\.mjs$/.test(file));
    expect(validate).toBeDefined();
    const loaded = [...staticClosure("cli.mjs"), ...staticClosure(validate!)];
    const withCompiler = loaded.filter((file) => /node_modules\/(re2js|picomatch)\//.test(readFileSync(join(bundle, file), "utf8")));
    expect(withCompiler).toEqual([]);
    // The glob compiler is still there for a glob argument, loaded when one is given.
    expect(readFileSync(join(bundle, validate!), "utf8")).toMatch(/import\("\.\/check-globs-[^"]+\.mjs"\)/);
  });
});

describe("the CLI's entry", () => {
  it("loads no module of Gitgate's before it starts the evaluation worker", () => {
    // Each one was a file for Node's loader to find, read and link first (scripts/bundle-cli.ts): the
    // entry has what it needs built in, and loads the CLI itself only once the worker has started.
    const entry = readFileSync(join(bundle, "../cli/bin.js"), "utf8");
    expect([...entry.matchAll(/^import\b.*?\bfrom\s*"([^"]+)"/gms)].map(([, name]) => name).filter((name) => !name!.startsWith("node:"))).toEqual([]);
    expect(entry.indexOf("new Worker(")).toBeGreaterThan(-1);
    expect(entry.indexOf("new Worker(")).toBeLessThan(entry.indexOf("import(bundle.href)"));
  });
});
