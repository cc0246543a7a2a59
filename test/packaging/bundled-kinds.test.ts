import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { formats as packageFormats } from "@kubernetes-models/validate";
import { describe, expect, it } from "vitest";
import { requireWithCodeCache } from "../../src/evaluation/thread-code-cache.js";

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

  it("judge alike loaded as the CLI's threads load them (with their code cache) and with require", () => {
    type Validate = ((value: unknown) => boolean) & { errors?: unknown };
    const deployment = join(kinds, "kubernetes-models/_schemas/IoK8sApiAppsV1Deployment.js");
    const cached = (requireWithCodeCache(deployment) as { validate: Validate }).validate;
    const required = (createRequire(import.meta.url)(deployment) as { validate: Validate }).validate;
    expect(cached).not.toBe(required);
    const container = { name: "app", image: "registry.example/app:1.0", ports: [{ containerPort: 8080 }] };
    const docs = [
      { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [container] } } } },
      { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: "three", selector: {}, template: { spec: { containers: [{ ...container, ports: [{ containerPort: "http" }] }] } } } },
    ];
    for (const doc of docs) {
      const verdict = (validate: Validate) => [validate(doc), validate.errors ?? null];
      expect(verdict(cached)).toEqual(verdict(required));
    }
    expect(cached(docs[0])).toBe(true);
    expect(cached(docs[1])).toBe(false);
  });
});
