import { readFileSync } from "node:fs";

/** Gitgate's own version, from package.json, for reports that name their producer. */
export const toolVersion: string = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;
