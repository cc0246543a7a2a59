import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { expect } from "vitest";

/** Set to rewrite golden files: `npm run golden:update`. Never done silently, not even for a missing file. */
export const updatingGolden = process.env.GITGATE_UPDATE_GOLDEN === "1";

/** `actual` must equal the committed golden file; with GITGATE_UPDATE_GOLDEN=1 the file is rewritten instead. */
export function expectGolden(actual: string, file: URL): void {
  if (updatingGolden) {
    mkdirSync(dirname(file.pathname), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`missing golden file ${file.pathname}: review the output, then run \`npm run golden:update\``);
  expect(actual, `${file.pathname} (run \`npm run golden:update\` if the change is intended, and review the diff)`).toBe(readFileSync(file, "utf8"));
}
