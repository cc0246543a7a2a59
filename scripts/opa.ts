// Runs the pinned OPA compiler with the given arguments, installing it first when needed:
// GITGATE_OPA if set, else ~/.cache/gitgate/opa/<version>/opa (shared by every clone), built with
// `go install` on first use.
// `npm run opa -- test policies` runs the Rego tests; without arguments it only installs.
import { spawnSync } from "node:child_process";
import { cachedOpaPath, pinnedOpaVersion } from "../src/opa/opa-binary.js";
import { ensureGoTool } from "./ensure-go-tool.js";

const opa = process.env.GITGATE_OPA ?? ensureGoTool(cachedOpaPath, "github.com/open-policy-agent/opa", pinnedOpaVersion);
const args = process.argv.slice(2);
if (args.length === 0) {
  console.error(`OPA compiler: ${opa}`);
  process.exit(0);
}
const result = spawnSync(opa, args, { stdio: "inherit" });
process.exit(result.status ?? 2);
