// Runs the pinned OPA compiler with the given arguments, installing it first when needed:
// GITGATE_OPA if set, else .cache/opa/<version>/opa, else `go install` of the pinned module into that
// folder (the Go module proxy serves it). `npm run opa -- test policies` runs the Rego tests.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { cachedOpaPath, pinnedOpaVersion } from "../src/opa/opa-binary.js";

function ensureOpa(): string {
  if (process.env.GITGATE_OPA) return process.env.GITGATE_OPA;
  if (existsSync(cachedOpaPath)) return cachedOpaPath;
  mkdirSync(dirname(cachedOpaPath), { recursive: true });
  console.error(`Installing OPA ${pinnedOpaVersion} into ${dirname(cachedOpaPath)} with go install (first run only)…`);
  const install = spawnSync("go", ["install", `github.com/open-policy-agent/opa@${pinnedOpaVersion}`], {
    stdio: "inherit",
    env: { ...process.env, GOBIN: dirname(cachedOpaPath), CGO_ENABLED: "0" },
  });
  if (install.status !== 0 || !existsSync(cachedOpaPath)) {
    console.error("Could not install OPA: Go is needed once (or set GITGATE_OPA to an opa binary).");
    process.exit(2);
  }
  return cachedOpaPath;
}

const opa = ensureOpa();
const args = process.argv.slice(2);
if (args.length === 0) {
  console.error(`OPA compiler: ${opa}`);
  process.exit(0);
}
const result = spawnSync(opa, args, { stdio: "inherit" });
process.exit(result.status ?? 2);
