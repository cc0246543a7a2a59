// Regenerates docs/rules.md from the rule metadata: src/render/rules/engine-rules.ts and the METADATA
// annotations of the built-in packs (policies/). A test fails when the committed page is stale.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderRulesDoc } from "../src/render/rules/render-rules-doc.js";

const output = fileURLToPath(new URL("../docs/rules.md", import.meta.url));
writeFileSync(output, renderRulesDoc());
console.log(`wrote ${output}`);
