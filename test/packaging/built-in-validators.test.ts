import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { schemaDigest } from "../../src/config/published-schemas.js";

// The threads of the CLI bundle have the validators of Gitgate's own schemas built in (scripts/bundle-cli.ts),
// so that the code of the config's validator is in their code cache, not compiled again at every start.
const root = new URL("../../", import.meta.url).pathname;
const digestOf = (schema: string) => schemaDigest(readFileSync(join(root, "schemas", schema), "utf8"));

describe("the CLI bundle's threads", () => {
  it.each(["evaluation-worker.cjs", "file-lane-worker.cjs"])("%s has the validators of the config and exceptions schemas, as built from today's schemas", (thread) => {
    const script = readFileSync(join(root, "dist/bundle", thread), "utf8");
    for (const schema of ["gitgate-config.schema.json", "gitgate-exceptions.schema.json"]) {
      expect(script).toMatch(new RegExp(`\\.exports\\.schemaSha256 = "${digestOf(schema)}";`));
    }
    // Never read from dist/schemas/ at run time.
    expect(script).not.toMatch(/dist\/schemas\/"/);
  });
});
