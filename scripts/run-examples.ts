// Gitgate's main job on the bundled example: builds a throwaway repository from examples/ and runs
// `gitgate check` on each prepared PR, exactly as a user would. Exits non-zero only if a PR's
// conclusion differs from the one its pr.json expects.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { buildExampleRepo, listExamplePrs } from "../src/examples/example-repo.js";

const bin = fileURLToPath(new URL("../dist/cli/bin.js", import.meta.url));
const prs = await listExamplePrs();
const repo = await buildExampleRepo(prs);
let mismatches = 0;
try {
  for (const pr of prs) {
    console.log(`\n━━━ PR "${pr.title}" (branch ${pr.name}, expected ${pr.expected.validate})`);
    console.log(`$ gitgate check --base main --head ${pr.name}\n`);
    const run = spawnSync(process.execPath, [bin, "check", "--repo", repo.dir, "--base", "main", "--head", pr.name], { stdio: "inherit" });
    // Exit status 0 is success and 1 is failure; anything else (2, a crash) is never what a PR expects.
    const conclusion = run.status === 0 ? "success" : run.status === 1 ? "failure" : `exit status ${run.status}`;
    if (conclusion !== pr.expected.validate) {
      mismatches++;
      console.log(`!! expected ${pr.expected.validate}, got exit status ${run.status}`);
    }
  }
} finally {
  await repo.remove();
}
console.log(mismatches === 0 ? `\nAll ${prs.length} example PRs concluded as expected.` : `\n${mismatches} example PR(s) did not conclude as expected.`);
process.exitCode = mismatches === 0 ? 0 : 1;
