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

// Worse: whole objects JSON-encoded into messages, rule ids and slices taken from input.
const encodingPolicy = `package main

import rego.v1

deny contains sprintf("string data %s", [json.marshal(input.stringData)]) if input.stringData

deny contains sprintf("listed %s", [json.marshal(input)]) if input.metadata.name == "listed"

deny contains {"msg": sprintf("slice %s", [substring(value, 2, 10)]), "rule": value, "pointer": sprintf("/data/%s", [value])} if {
  some value in input.stringData
}
`;

function generate(seed: number) {
  const next = random(seed);
  const secrets: string[] = [];
  const remember = (value: string) => (secrets.push(value), value);
  const base: Record<string, string> = {
    ".github/gitgate.yml": "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\npolicies:\n  paths: [policy/]\npreview:\n  redact: ['k8s/vault/**']\n",
    "policy/echo.rego": echoPolicy,
    "policy/encode.rego": encodingPolicy,
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
  // Secrets with characters that JSON, pointers and Markdown escape.
  const quoted = remember(`${word(next, 10)}"\\</>&'~/${word(next, 10)}`);
  const spaced = remember(`${word(next, 9)} \t${word(next, 9)}`);
  head["k8s/escaped.yaml"] = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: escaped\n  namespace: ns\nstringData:\n  q: ${JSON.stringify(quoted)}\n  s: ${JSON.stringify(spaced)}\n`;
  // A Secret inside a List (and a SecretList), changed and added.
  const listed = (value: string, token: string) =>
    `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Secret\n    metadata:\n      name: listed\n      namespace: ns\n    stringData:\n      pw: ${value}\n    data:\n      token: ${b64(token)}\n`;
  base["k8s/list.yaml"] = listed(remember(word(next, 21)), remember(word(next, 17)));
  head["k8s/list.yaml"] = listed(remember(word(next, 23)), remember(word(next, 19)));
  head["k8s/secret-list.yaml"] = listed(remember(word(next, 25)), remember(word(next, 15))).replace("kind: List", "kind: SecretList");
  // Secrets used as map keys: a token, and a value of a Secret above.
  const keyToken = remember(`ghp_${word(next, 36)}`);
  head["k8s/keys.yaml"] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keys\n  namespace: ns\ndata:\n  ${keyToken}: x\n  ${JSON.stringify(quoted)}: y\n`;
  // A token far to the right on a line with a finding (a number where a string is required).
  const farToken = remember(`ghp_${word(next, 36)}`);
  head["k8s/long-line.yaml"] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: long\n  namespace: ns\ndata:\n  retries: 3 # ${word(next, 266 + Math.floor(next() * 20))} ${farToken}\n`;
  // A Secret whose kind is spelled with an escape, with values overwritten by duplicate keys.
  const overwritten = [remember(word(next, 24)), remember(word(next, 24)), remember(word(next, 24))];
  head["k8s/escaped-kind.yaml"] = `apiVersion: v1\nkind: "Secr\\x65t"\nmetadata:\n  name: esc\n  namespace: ns\nstringData:\n${overwritten.map((v) => `  pw: ${v}\n`).join("")}`;
  // A Secret nested 10,000 levels deep.
  const deep = remember(word(next, 30));
  head["k8s/deep.json"] = `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"deep"},"stringData":{"pw":"${deep}","x":${"[".repeat(10_000)}"${deep}"${"]".repeat(10_000)}}}`;
  return { base, head, secrets };
}

describe("secrets never reach any output", () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: no value, base64 or JSON-escaped form of it, or 8-character slice of one, appears in text, JSON, Markdown, SARIF or the preview`, async () => {
      const { base, head, secrets } = generate(seed);
      const report = await evaluate(base, head);
      // The change really was judged: policies quoted values and the preview lists the Secrets.
      expect(report.findings.some((f) => f.message.startsWith("found value •••"))).toBe(true);
      expect(report.findings.some((f) => f.message.startsWith("string data {"))).toBe(true);
      // A list's items are judged one by one, as kubectl applies them.
      expect(report.findings.some((f) => f.message.startsWith("listed {"))).toBe(true);
      expect(report.findings.some((f) => f.message.startsWith("slice •••"))).toBe(true);
      expect(report.findings.some((f) => f.rule === "yaml/too-deep" && f.path === "k8s/deep.json")).toBe(true);
      expect(report.findings.some((f) => f.rule === "yaml/duplicate-key" && f.path === "k8s/escaped-kind.yaml")).toBe(true);
      expect(report.diff.objects.filter((o) => o.kind === "Secret")).toHaveLength(14);
      expect(report.diff.objects.filter((o) => o.path === "k8s/list.yaml" || o.path === "k8s/secret-list.yaml")).toHaveLength(2);
      expect(report.snippets["k8s/long-line.yaml"]?.[7]).toMatch(/^ {2}retries: 3 # /);
      const outputs = [
        renderText(report, { color: false }),
        renderJson(report),
        renderMarkdown(report),
        renderSarif(report),
        renderPreviewMarkdown(report),
        renderPreviewText(report),
      ].join("\n");
      for (const secret of secrets) {
        for (const form of new Set([secret, b64(secret), JSON.stringify(secret).slice(1, -1)])) {
          for (let i = 0; i + 8 <= form.length; i++) {
            const slice = form.slice(i, i + 8);
            if (outputs.includes(slice)) throw new Error(`seed ${seed}: "${slice}" of a secret appears in the output`);
          }
        }
      }
    });
  }
});
