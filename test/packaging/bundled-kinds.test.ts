import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { formats as packageFormats } from "@kubernetes-models/validate";
import { describe, expect, it } from "vitest";

// The CLI bundle's kinds (scripts/bundle-cli.ts) load ajv-formats-draft2019's heavy formats on their
// first call rather than with the kind. A format must still judge a value exactly as the package does.
const kinds = join(new URL("../../", import.meta.url).pathname, "dist/bundle/kinds");
const samples: Record<string, unknown[]> = {
  iri: ["https://例え.jp/パス?q=1", "http://example.com/a b", "not an iri", ""],
  "iri-reference": ["/relative/päth", "#frag", "http://[::1", ""],
  "idn-email": ["ü@example.com", "user@bücher.example", "no-at-sign", "a@b@c"],
  "idn-hostname": ["bücher.example", "xn--bcher-kva.example", "-bad-.example", "a".repeat(64)],
  duration: ["P1D", "PT1H30M", "P", "1D"],
};

type Format = ((value: unknown) => boolean) | RegExp;
const judge = (format: Format, value: unknown) => (format instanceof RegExp ? format.test(String(value)) : format(value));

describe("the bundled Kubernetes kinds' formats", () => {
  const chunk = readdirSync(kinds).find((file) => file.endsWith(".js") && readFileSync(join(kinds, file), "utf8").includes('"lazy-draft2019-formats:'));

  it("load the draft 2019 formats lazily, and judge every value as the package does", () => {
    expect(chunk).toBeDefined();
    const bundled = (createRequire(import.meta.url)(join(kinds, chunk!)) as { formats: Record<string, Format> }).formats;
    const original = packageFormats as unknown as Record<string, Format>;
    for (const [name, values] of Object.entries(samples)) {
      expect(Object.keys(bundled)).toContain(name);
      for (const value of values) expect([name, value, judge(bundled[name]!, value)]).toEqual([name, value, judge(original[name]!, value)]);
    }
  });
});
