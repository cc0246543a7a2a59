// The logic of Gitgate's GitHub Action (action.yml at the repository root), in one script so it can be
// run and tested outside GitHub. Plain Node (24 strips the types), no dependencies of its own.
//
//   node gitgate-action.ts plan   installs gitgate and says (step outputs) whether the pinned OPA is needed
//   node gitgate-action.ts run    runs `gitgate check` or `gitgate validate`; exits with gitgate's status
//
// Inputs come as INPUT_* environment variables (action.yml passes them); GITHUB_OUTPUT, RUNNER_TEMP,
// GITHUB_WORKSPACE and GITHUB_BASE_REF are the runner's own.
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir, tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const actionRoot = fileURLToPath(new URL("../../", import.meta.url));
const env = process.env;
const input = (name: string): string => (env[`INPUT_${name.toUpperCase().replaceAll("-", "_")}`] ?? "").trim();
const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
const installDir = join(env.RUNNER_TEMP ?? tmpdir(), "gitgate-cli");

/** The OPA release Gitgate is pinned to, read from the source the action was checked out with. */
function pinnedOpaVersion(): string {
  const source = readFileSync(join(actionRoot, "src/opa/opa-binary.ts"), "utf8");
  const version = /pinnedOpaVersion = "(v[\d.]+)"/.exec(source)?.[1];
  if (!version) fail("could not read the pinned OPA version from src/opa/opa-binary.ts");
  return version;
}

/** Where the pinned OPA goes: the folder gitgate itself looks in (~/.cache/gitgate/opa/<version>/). */
function opaDir(version: string): string {
  return join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "gitgate", "opa", version);
}

/**
 * `package` input: `source` (the default: build the action's own checkout, the one thing that exists
 * wherever the action does, since the package is not on the npm registry), or an npm spec or tarball.
 */
function packageSpec(): string {
  const given = input("package");
  if (given === "source" || given === "") return "source";
  // A tarball or folder named relative to the repository, as a workflow author writes it.
  return /^[./]|\.tgz$/.test(given) ? resolve(workspace, given) : given;
}

function plan(): void {
  const spec = packageSpec();
  const version = pinnedOpaVersion();
  let needsOpa: boolean;
  if (spec === "source") {
    // Building Gitgate compiles its built-in packs, which takes the compiler.
    needsOpa = true;
  } else {
    mkdirSync(installDir, { recursive: true });
    sh("npm", ["install", "--prefix", installDir, "--no-audit", "--no-fund", "--no-save", "--loglevel=error", spec]);
    needsOpa = hasOwnRego(createRequire(join(installDir, "node_modules", "gitgate", "package.json"))("yaml") as YamlModule);
  }
  output({ "needs-opa": String(needsOpa), "opa-version": version, "opa-dir": opaDir(version) });
  console.log(needsOpa ? `Gitgate needs OPA ${version} here (${spec === "source" ? "built from source" : "the repository has its own Rego"}).` : "No OPA needed: the built-in packs ship compiled.");
}

interface YamlModule {
  parse(text: string): unknown;
}

/**
 * Whether the config names policies.paths (the repository's own Rego), at the working tree and, for
 * `check`, at the base, where the App reads it. A config that does not parse needs no compiler here:
 * gitgate reports it and fails.
 */
function hasOwnRego(yaml: YamlModule): boolean {
  const texts: string[] = [];
  const config = input("config");
  if (config) {
    const path = resolve(workspace, config);
    if (existsSync(path)) texts.push(readFileSync(path, "utf8"));
  } else {
    const path = join(workspace, ".github/gitgate.yml");
    if (existsSync(path)) texts.push(readFileSync(path, "utf8"));
    const base = baseRef();
    if (command() === "check" && base) {
      const shown = spawnSync("git", ["show", `${base}:.github/gitgate.yml`], { cwd: workspace, encoding: "utf8" });
      if (shown.status === 0) texts.push(shown.stdout);
    }
  }
  return texts.some((text) => {
    try {
      const paths = (yaml.parse(text) as { policies?: { paths?: unknown } } | null)?.policies?.paths;
      return Array.isArray(paths) && paths.length > 0;
    } catch {
      return false;
    }
  });
}

function command(): "check" | "validate" {
  const given = input("command") || "check";
  if (given !== "check" && given !== "validate") fail(`command must be check or validate, not "${given}"`);
  return given;
}

/** The base of a pull request is its target branch as fetched by actions/checkout (fetch-depth: 0). */
function baseRef(): string {
  return input("base") || (env.GITHUB_BASE_REF ? `origin/${env.GITHUB_BASE_REF}` : "");
}

function gitgateBin(): string[] {
  if (packageSpec() !== "source") return [join(installDir, "node_modules", ".bin", "gitgate")];
  if (!existsSync(join(actionRoot, "dist/cli/bin.js"))) {
    sh("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], actionRoot);
    sh("npm", ["run", "build"], actionRoot);
  }
  return [process.execPath, join(actionRoot, "dist/cli/bin.js")];
}

function run(): void {
  const cmd = command();
  const args: string[] = [cmd, "--repo", workspace];
  if (cmd === "check") {
    const base = baseRef();
    if (base) args.push("--base", base);
    if (input("head")) args.push("--head", input("head"));
  }
  if (input("config")) args.push("--config", resolve(workspace, input("config")));
  if (cmd === "validate") args.push(...input("paths").split(/\s+/).filter(Boolean));
  const [bin, ...pre] = gitgateBin();
  const format = input("format") || "text";
  let status = 0;
  const sarif = input("sarif");
  if (sarif) {
    // Code scanning reads the SARIF file; the log keeps the readable report below.
    const path = isAbsolute(sarif) ? sarif : resolve(workspace, sarif);
    status = gitgate(bin!, [...pre, ...args, "--format", "sarif", "--output", path]);
    output({ sarif: path });
  }
  status = Math.max(status, gitgate(bin!, [...pre, ...args, "--format", format]));
  output({ "exit-code": String(status) });
  process.exit(status);
}

function gitgate(bin: string, args: string[]): number {
  const result = spawnSync(bin, args, { cwd: workspace, stdio: "inherit" });
  if (result.error) fail(`could not run gitgate: ${result.error.message}`);
  return result.status ?? 2;
}

function sh(cmd: string, args: string[], cwd = workspace): void {
  const result = spawnSync(cmd, args, { cwd, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) fail(`${cmd} ${args.join(" ")} failed${result.error ? `: ${result.error.message}` : ""}`);
}

function output(values: Record<string, string>): void {
  if (!env.GITHUB_OUTPUT) return;
  appendFileSync(env.GITHUB_OUTPUT, Object.entries(values).map(([key, value]) => `${key}=${value}\n`).join(""));
}

function fail(message: string): never {
  console.error(`::error title=gitgate::${message}`);
  process.exit(2);
}

const step = process.argv[2];
if (step === "plan") plan();
else if (step === "run") run();
else fail(`unknown step "${step ?? ""}": use plan or run`);
