import { readdirSync, readFileSync } from "node:fs";

export const builtinPacks = ["kubernetes", "gitops"] as const;
export type BuiltinPack = (typeof builtinPacks)[number];

// The package root is two folders up from src/config, dist/config and the CLI's bundle (dist/bundle) alike.
const packsDir = new URL("../../policies/", import.meta.url);

/** The Rego files of a built-in pack shipped with Gitgate (policies/<pack>/), without its tests. */
export function builtinPackFiles(pack: BuiltinPack): Record<string, string> {
  const dir = new URL(`${pack}/`, packsDir);
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith(".rego") && !name.endsWith("_test.rego")) files[`builtin/${pack}/${name}`] = readFileSync(new URL(name, dir), "utf8");
  }
  return files;
}
