import { describe, expect, it } from "vitest";
import { renderJson } from "../../src/render/render-json.js";
import { renderMarkdown } from "../../src/render/render-markdown.js";
import { renderPreviewMarkdown } from "../../src/render/render-preview-markdown.js";
import { renderPreviewText } from "../../src/render/render-preview-text.js";
import { renderSarif } from "../../src/render/render-sarif.js";
import { renderText } from "../../src/render/render-text.js";
import { evaluate } from "../support/evaluate.js";

/** A small deterministic PRNG (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const word = (next: () => number, length: number, chars = alphabet) => Array.from({ length }, () => chars[Math.floor(next() * chars.length)]).join("");
const b64 = (text: string) => Buffer.from(text).toString("base64");

// A policy that quotes every string of its input: what a careless policy author writes.
const echoPolicy = `package main

import rego.v1

deny contains sprintf("found value %s", [value]) if {
  input.kind in {"Secret", "ConfigMap"}
  walk(input, [_, value])
  is_string(value)
  count(value) > 20
}
`;

function generate(seed: number) {
  const next = random(seed);
  const secrets: string[] = [];
  const remember = (value: string) => (secrets.push(value), value);
  const base: Record<string, string> = {
    ".github/gitgate.yml": "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\npolicies:\n  paths: [policy/]\npreview:\n  redact: ['k8s/vault/**']\n",
    "policy/echo.rego": echoPolicy,
  };
  const head: Record<string, string> = {};
  for (let i = 0; i < 12; i++) {
    const path = `k8s/secret-${i}.yaml`;
    const old = { a: word(next, 24), b: word(next, 30) };
    const neu = { a: remember(word(next, 16 + Math.floor(next() * 24))), b: remember(word(next, 20)), c: remember(word(next, 33)) };
    secrets.push(old.a, old.b);
    const annotation = JSON.stringify({ apiVersion: "v1", kind: "Secret", stringData: { c: neu.c } });
    base[path] = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s${i}\n  namespace: ns\ntype: Opaque\ndata:\n  a: ${b64(old.a)}\nstringData:\n  b: ${old.b}\n`;
    head[path] =
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s${i}\n  namespace: ns\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '${annotation}'\n` +
      `type: Opaque\ndata:\n  a: ${b64(neu.a)}\n  nested: { wrong: ${b64(neu.b)} }\nstringData:\n  b: ${neu.b}\n  c: "${neu.c}"\n`;
  }
  // Secret-shaped values outside Secrets, in YAML and JSON.
  const token = remember(`ghp_${word(next, 36)}`);
  const awsKey = remember(`AKIA${word(next, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`);
  const password = remember(word(next, 18));
  const keyBody = remember(word(next, 64));
  head["k8s/config.yaml"] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: ns\ndata:\n  github: ${token}\n  aws: ${awsKey}\n  db: postgres://app:${password}@db.internal:5432/app\n  key: |\n    -----BEGIN RSA PRIVATE KEY-----\n    ${keyBody}\n    -----END RSA PRIVATE KEY-----\n`;
  const jsonSecret = remember(word(next, 28));
  head["k8s/secret.json"] = JSON.stringify({ apiVersion: "v1", kind: "Secret", metadata: { name: "j", namespace: "ns" }, stringData: { token: jsonSecret } }, null, 2);
  // Redacted by path, whatever it holds.
  const vaulted = remember(word(next, 26));
  base["k8s/vault/values.yaml"] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: vault\n  namespace: ns\ndata:\n  seed: ${word(next, 26)}\n`;
  head["k8s/vault/values.yaml"] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: vault\n  namespace: ns\ndata:\n  seed: ${vaulted}\n`;
  // A Secret that does not even parse.
  const broken = remember(word(next, 22));
  head["k8s/broken-secret.yaml"] = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: broken\nstringData:\n  pw: ${broken}\n  bad: [unclosed ${broken}\n`;
  return { base, head, secrets };
}

describe("secrets never reach any output", () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: no value, base64 of it, or 8-character slice of it appears in text, JSON, Markdown, SARIF or the preview`, async () => {
      const { base, head, secrets } = generate(seed);
      const report = await evaluate(base, head);
      // The change really was judged: policies quoted values and the preview lists the Secrets.
      expect(report.findings.some((f) => f.message.startsWith("found value •••"))).toBe(true);
      expect(report.diff.objects.filter((o) => o.kind === "Secret")).toHaveLength(13);
      const outputs = [
        renderText(report, { color: false }),
        renderJson(report),
        renderMarkdown(report),
        renderSarif(report),
        renderPreviewMarkdown(report),
        renderPreviewText(report),
      ].join("\n");
      for (const secret of secrets) {
        for (const form of [secret, b64(secret)]) {
          for (let i = 0; i + 8 <= form.length; i++) {
            const slice = form.slice(i, i + 8);
            if (outputs.includes(slice)) throw new Error(`seed ${seed}: "${slice}" of a secret appears in the output`);
          }
        }
      }
    });
  }
});
