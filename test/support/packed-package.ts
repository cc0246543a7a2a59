import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const root = new URL("../../", import.meta.url).pathname;

/**
 * `npm pack` of this checkout into `dir`, returning the tarball's path. It packs the dist/ that
 * `npm test` built (`npm run build`), as `npm pack` does after its own `prepare` step.
 */
export async function packGitgate(dir: string): Promise<string> {
  if (!existsSync(join(root, "dist/policies/packs.json"))) throw new Error("dist/ is not built: run `npm run build` first");
  await promisify(execFile)("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", dir], { cwd: root });
  return join(dir, (await readdir(dir)).find((f) => f.endsWith(".tgz"))!);
}
