// Compiles the built-in packs (policies/) to WebAssembly with the pinned OPA, into dist/policies/ with a
// manifest of digests: the package ships them, so `gitgate` runs the packs without OPA on the machine.
// Part of `npm run build`; OPA is GITGATE_OPA, else the pinned build in the user's cache (installed with
// `go install` on first use, like `npm run opa`).
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { builtinPackCompileInput } from "../src/config/load-policies.js";
import { builtinPacks } from "../src/config/builtin-packs.js";
import { createRegoCompiler } from "../src/opa/compile-rego.js";
import { cachedOpaPath, pinnedOpaVersion } from "../src/opa/opa-binary.js";
import { precompiledDir, precompiledManifestName, sourceKeyOf, type PrecompiledManifest } from "../src/opa/precompiled-packs.js";
import { ensureGoTool } from "./ensure-go-tool.js";

// The compiler must be the pinned one: a prebuilt module stands for what the pinned OPA would produce.
process.env.GITGATE_OPA ??= existsSync(cachedOpaPath) ? cachedOpaPath : ensureGoTool(cachedOpaPath, "github.com/open-policy-agent/opa", pinnedOpaVersion);
const outDir = fileURLToPath(precompiledDir);
// Rebuilt from scratch, so a pack that was removed does not linger; the old manifest must not
// short-circuit the compiler either (it answers from the manifest first).
await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });

const compile = createRegoCompiler();
const manifest: PrecompiledManifest = { opaVersion: pinnedOpaVersion, modules: {} };
for (const pack of builtinPacks) {
  const { files, entrypoints } = builtinPackCompileInput(pack);
  const compiled = await compile(files, entrypoints);
  if (!compiled.ok) {
    console.error(`Built-in pack ${pack} does not compile:\n${compiled.errors.map((e) => `  ${e.path ?? ""}${e.line ? `:${e.line}` : ""} ${e.message}`).join("\n")}`);
    process.exit(1);
  }
  const file = `${pack}.wasm`;
  await writeFile(new URL(file, precompiledDir), compiled.wasm);
  manifest.modules[sourceKeyOf(files, entrypoints, [])] = { file, sha256: createHash("sha256").update(compiled.wasm).digest("hex"), digest: compiled.digest };
}
await writeFile(new URL(precompiledManifestName, precompiledDir), `${JSON.stringify(manifest, null, 2)}\n`);
console.error(`Built-in packs compiled with OPA ${pinnedOpaVersion} into ${outDir}`);
