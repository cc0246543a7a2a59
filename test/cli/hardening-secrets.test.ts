import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { marked } from "marked";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/engine/report.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { runCli } from "../support/run-cli.js";
import { checkAll, expectNoSlice, formats } from "../support/secret-output.js";

/**
 * Red-team findings about secrets and output escaping (issue #9), each reproduced through the real CLI:
 * every format a user can ask for is rendered and searched for the secret.
 */
const config = "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\npolicies:\n  paths: [policy/]\n";
const configMap = (name: string, data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ns\ndata:\n${data}`;

// A careless policy author: messages and rule ids built from the input.
const carelessPolicy = `package main

import rego.v1

deny contains sprintf("string data is %s", [json.marshal(input.stringData)]) if {
  input.kind == "Secret"
  input.stringData
}

deny contains {"msg": sprintf("slice %s", [substring(input.stringData.pw, 3, 12)]), "rule": input.stringData.pw} if {
  input.kind == "Secret"
  input.stringData.pw
}

deny contains {"msg": "item", "rule": "bad rule id!", "pointer": "/metadata/name"} if {
  input.kind == "Secret"
  input.stringData.pw
}

deny contains {"msg": sprintf("kind %s", [input.kind]), "rule": "k8s/kind-echo"} if {
  input.kind != "Secret"
  input.metadata.name == "inject"
}
`;

// A policy that prints its whole input for a document named echo.
const echoPolicy = `package echo\n\nimport rego.v1\n\ndeny contains sprintf("doc is %v", [json.marshal(input)]) if {\n  input.metadata.name == "echo"\n}\n`;

describe("gitgate check: secrets never leak through hostile input", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({ ".github/gitgate.yml": config, "policy/main.rego": carelessPolicy, "k8s/placeholder.yaml": configMap("p", "  a: b\n") });
  });
  afterAll(() => repo.remove());

  it("#3: a 300 KB value of 'a.a.a…' is judged, not stuck in a secret pattern", async () => {
    // A quadratic pattern took 17 s on 100 KB, so this runs past the test's timeout; a linear one takes milliseconds.
    const value = "a.".repeat(150_000);
    await repo.branch("dotted", "main", { "k8s/dotted.yaml": configMap("dotted", `  v: ${value}\n`) });
    const run = await runCli(["check", "--repo", repo.dir, "--base", "main", "--head", "dotted", "--format", "json"]);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.conclusion).toBe("success");
    expect(report.diff.objects.map((o) => o.id)).toEqual(["v1 ConfigMap ns/dotted"]);
  });

  it("#6: a Secret inside a List is masked in the preview and scrubbed from every output", async () => {
    const pw = "Li5tS3cr3t-value-0042";
    const token = "UXdlcnR5LWxpc3QtdG9rZW4tOTk=";
    const list = `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Secret\n    metadata:\n      name: in-list\n      namespace: ns\n    stringData:\n      pw: ${pw}\n    data:\n      token: ${token}\n`;
    await repo.branch("list-base", "main", { "k8s/list.yaml": list.replace(pw, "Old-value-of-the-list-secret").replace(token, Buffer.from("old-token-list").toString("base64")) });
    await repo.branch("list", "list-base", { "k8s/list.yaml": list });
    const { all, report } = await checkAll(repo, "list", "list-base");
    // The Secret in the List is compared like any Secret: stringData folded into data, each value masked.
    expect(report.diff.objects.flatMap((o) => o.changes.map((c) => `${c.pointer} ${JSON.stringify(c.before)} ${JSON.stringify(c.after)}`))).toEqual([
      '/items/0/data/token {"masked":true,"length":14} {"masked":true,"length":20}',
      '/items/0/data/pw {"masked":true,"length":28} {"masked":true,"length":21}',
    ]);
    // Added whole, it is masked too.
    const added = await checkAll(repo, "list");
    expect(JSON.stringify(added.report.diff.objects[0]!.content)).toContain('"pw":{"masked":true,"length":21}');
    for (const secret of [pw, token, Buffer.from(token, "base64").toString()]) expectNoSlice(added.all, secret);
    for (const secret of [pw, token, Buffer.from(token, "base64").toString(), "Old-value-of-the-list-secret", "old-token-list"]) expectNoSlice(all, secret);
  });

  // `stringdata:` is not `stringData:`: the API server drops or refuses the field, and the preview
  // showed its values in clear. Any field of a Secret but its kind, metadata and type holds its values.
  it("a Secret's misspelt data fields are masked in the preview and scrubbed from every output", async () => {
    const pw = "Typo-field-s3cret-7781";
    const other = "Other-typo-s3cret-4409";
    const secret = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: typo\n  namespace: ns\ntype: Opaque\nstringdata:\n  pw: ${pw}\ndatas:\n  - ${other}\n`;
    await repo.branch("typo-base", "main", { "k8s/typo.yaml": secret.replace(pw, "Old-typo-field-value-1").replace(other, "Old-other-typo-value-2") });
    await repo.branch("typo", "typo-base", { "k8s/typo.yaml": secret });
    const { all, report } = await checkAll(repo, "typo", "typo-base");
    expect(report.diff.objects.flatMap((o) => o.changes.map((c) => `${c.pointer} ${JSON.stringify(c.before)} ${JSON.stringify(c.after)}`))).toEqual([
      '/stringdata/pw {"masked":true,"length":22} {"masked":true,"length":22}',
      '/datas/0 {"masked":true,"length":22} {"masked":true,"length":22}',
    ]);
    const added = await checkAll(repo, "typo");
    expect(JSON.stringify(added.report.diff.objects[0]!.content)).toContain('"stringdata":{"pw":{"masked":true,"length":22}}');
    expect(JSON.stringify(added.report.diff.objects[0]!.content)).toContain('"type":"Opaque"');
    for (const value of [pw, other]) expectNoSlice(added.all, value);
    for (const value of [pw, other, "Old-typo-field-value-1", "Old-other-typo-value-2"]) expectNoSlice(all, value);
  });

  // A review round: a Secret whose values still reached an output, through the preview or through a
  // policy that quotes its input (`json.marshal(input)`).
  const looksLike = "Rv3-Leak-Pa55w0rd-Q7z";
  const echoed = "metadata:\n  name: echo\n  namespace: ns\n";
  it.each([
    ["stringData indented under metadata", "k8s/m.yaml", `apiVersion: v1\nkind: Secret\n${echoed}  stringData:\n    pw: ${looksLike}\n`],
    ["stringData indented under type", "k8s/t.yaml", `apiVersion: v1\nkind: Secret\n${echoed}type:\n  stringData:\n    pw: ${looksLike}\n`],
    ["a SecretList's items that name no kind (kubectl reads them as Secrets)", "k8s/l.yaml", `apiVersion: v1\nkind: SecretList\nitems:\n  - metadata:\n      name: echo\n    stringData:\n      pw: ${looksLike}\n`],
    ["a SecretList's item whose kind is null (kubectl reads it as none)", "k8s/n.yaml", `apiVersion: v1\nkind: SecretList\nitems:\n  - kind: null\n    metadata:\n      name: echo\n    stringData:\n      pw: ${looksLike}\n`],
    ["kind: secret in lower case", "k8s/k.yaml", `apiVersion: v1\nkind: secret\n${echoed}stringData:\n  pw: ${looksLike}\n`],
    ["an inline patch for a Secret with stringdata:", "k8s/kustomization.yaml", `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nmetadata:\n  name: echo\nresources: []\npatches:\n  - patch: |\n      apiVersion: v1\n      kind: Secret\n      metadata:\n        name: db\n      stringdata:\n        pw: ${looksLike}\n`],
    ["a kind a `<<` merge key brings (kubectl merges it)", "apps/merged.yaml", `<<: {apiVersion: v1, kind: Secret}\n${echoed}stringData:\n  pw: ${looksLike}\n`],
    ["a kind one of several merged maps brings", "apps/merged-list.yaml", `base: &b {kind: Secret}\n<<: [{apiVersion: v1}, *b]\n${echoed}stringData:\n  pw: ${looksLike}\n`],
    ["a misspelt data field's base64, its plain text reused in a ConfigMap", "k8s/d.yaml", `apiVersion: v1\nkind: Secret\n${echoed}datas:\n  pw: ${Buffer.from(looksLike).toString("base64")}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  url: ${looksLike}\n`],
  ])("no value of %s in any output", async (_name, path, body) => {
    const branch = `look-alike-${path.replace(/\W/g, "-")}`;
    await repo.branch(branch, "main", { [path]: body, "policy/echo.rego": echoPolicy });
    expectNoSlice((await checkAll(repo, branch)).all, looksLike);
  });

  // Keys under metadata that are no field of ObjectMeta are looked at from the document's root (a
  // misplaced stringData): each map's kind was looked for among all its keys every time, and 20,000
  // keys under one metadata ran into the time bound.
  it("an object with 20,000 keys under its metadata is judged, not stuck", async () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `  k${i}: v${i}\n`).join("");
    await repo.branch("wide-metadata", "main", { "k8s/wide.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: wide\n  namespace: ns\n${keys}data:\n  a: b\n` });
    const run = await runCli(["check", "--repo", repo.dir, "--base", "main", "--head", "wide-metadata", "--format", "json"]);
    expect(run.status).not.toBe(2);
    expect((JSON.parse(run.stdout) as Report).diff.objects.map((o) => o.id)).toEqual(["v1 ConfigMap ns/wide"]);
  });

  it("#7: a secret value or token used as a map key is scrubbed from field names and pointers", async () => {
    const token = "ghp_" + "k3yT0ken".repeat(5);
    const secretValue = "Used-as-a-key-elsewhere-77";
    await repo.branch("keys", "main", {
      "k8s/keys.yaml": configMap("keys", `  ${token}: x\n  ${secretValue}: y\n  normal: z\n`),
      "k8s/secret.yaml": `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: ns\nstringData:\n  pw: ${secretValue}\n`,
    });
    const { all, report } = await checkAll(repo, "keys");
    expect(report.diff.objects.find((o) => o.id === "v1 ConfigMap ns/keys")).toBeDefined();
    expectNoSlice(all, token);
    expectNoSlice(all, secretValue);
  });

  it("#8, #9: JSON-encoded, escaped and sliced secrets in policy messages and rule ids are scrubbed", async () => {
    const pw = 'Qu0te"d\\back-slash-secret';
    const other = "tab\there-and-new\nline<&>";
    await repo.branch("encoded", "main", {
      "k8s/secret.yaml": `apiVersion: v1\nkind: Secret\nmetadata:\n  name: enc\n  namespace: ns\nstringData:\n  pw: ${JSON.stringify(pw)}\n  other: ${JSON.stringify(other)}\n`,
    });
    const { all, report } = await checkAll(repo, "encoded");
    // The policies did run and quote the input.
    expect(report.findings.some((f) => f.message.startsWith("string data is "))).toBe(true);
    expect(report.findings.some((f) => f.message.startsWith("slice "))).toBe(true);
    for (const secret of [pw, JSON.stringify(pw), JSON.stringify(pw).slice(1, -1), other, JSON.stringify(other).slice(1, -1), "here-and-new"]) expectNoSlice(all, secret);
    // A rule id that is not a plain id falls back to the package's rule and says so.
    const fallback = report.findings.filter((f) => f.message.startsWith("item"));
    expect(fallback.map((f) => f.rule)).toEqual(["main/deny"]);
    expect(fallback[0]!.message).toMatch(/rule id .* not a valid rule id/);
    const sliced = report.findings.find((f) => f.message.startsWith("slice "))!;
    expect(sliced.rule).toBe("main/deny");
  });

  it("a Secret's numbers are scrubbed from policy messages, as JSON prints them and as they were written", async () => {
    await repo.branch("numbers", "main", {
      "k8s/numbers.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: numbers\n  namespace: ns\nstringData:\n  pin: 98765432101\n  flag: 0x7FEDCBA9\n  enabled: true\n",
    });
    const { all, report } = await checkAll(repo, "numbers");
    // The policy printed the values; a boolean is too short to be scrubbed everywhere, and says nothing.
    expect(report.findings.filter((f) => f.message.startsWith("string data is ")).map((f) => f.message)).toEqual(['string data is {"pin":•••,"flag":•••,"enabled":true}']);
    for (const secret of ["98765432101", "2146290601", "0x7FEDCBA9", "0x7fedcba9"]) expectNoSlice(all, secret);
  });

  it("#11: a token far to the right of a line with a finding is scrubbed before the line is cut", async () => {
    const token = "ghp_" + "L0ngL1ne".repeat(5);
    // The schema finding is on this line (a number where a string is required); the token sits past column 280.
    const line = `  retries: 3 # ${"x".repeat(270)} ${token}`;
    await repo.branch("long-line", "main", { "k8s/long.yaml": configMap("long", `${line}\n`) });
    const { outputs, report } = await checkAll(repo, "long-line");
    expect(report.findings.map((f) => `${f.rule} ${f.line}`)).toContain("schema/type 7");
    expect(outputs.text).toContain("7 |   retries: 3 #");
    expectNoSlice(outputs.text!, token, 6);
  });

  it("#12: no source line from a file with a Secret whose kind is spelled with an escape", async () => {
    const first = "First-overwritten-value-1";
    const second = "Second-overwritten-value-2";
    const secret = `apiVersion: v1\nkind: "Secr\\x65t"\nmetadata:\n  name: esc\n  namespace: ns\nstringData:\n  pw: ${first}\n  pw: ${second}\n  pw: Third-kept-value-3\n`;
    await repo.branch("escaped-kind", "main", { "k8s/esc.yaml": secret });
    const { all, report } = await checkAll(repo, "escaped-kind");
    expect(report.findings.some((f) => f.rule === "yaml/duplicate-key")).toBe(true);
    for (const value of [first, second, "Third-kept-value-3"]) expectNoSlice(all, value);
  });

  it("#19: JSON nested 10,000 levels is a yaml/too-deep finding, not a crash", async () => {
    const deep = "[".repeat(10_000) + "1" + "]".repeat(10_000);
    await repo.branch("deep", "main", { "k8s/deep.json": deep });
    // `validate` reads the working tree: the same file, untracked, for the time of this test.
    await writeFile(join(repo.dir, "k8s/deep.json"), deep);
    try {
      for (const args of [["check", "--base", "main", "--head", "deep"], ["validate"]]) {
        for (const format of formats) {
          const run = await runCli([args[0]!, "--repo", repo.dir, ...args.slice(1), "--format", format]);
          expect(run.stderr).toBe("");
          expect(run.stdout).toContain("yaml/too-deep");
          expect(run.status).toBe(1);
        }
      }
    } finally {
      await rm(join(repo.dir, "k8s/deep.json"));
    }
  });

  it("#19: a deep document changed between base and head reaches change-set policies as null, not a crash", async () => {
    const deep = (leaf: number) => "[".repeat(10_000) + String(leaf) + "]".repeat(10_000);
    const changes = "package gitgate\n\nimport rego.v1\n\nwarn contains sprintf(\"%d changed, after is null: %v\", [count(input.changes), input.changes[0].after == null])\n";
    const own = await createTestRepo({ ".github/gitgate.yml": config, "policy/changes.rego": changes, "k8s/deep.json": deep(1) });
    try {
      await own.branch("deeper", "main", { "k8s/deep.json": deep(2) });
      const run = await runCli(["check", "--repo", own.dir, "--base", "main", "--head", "deeper", "--format", "json"]);
      expect(run.stderr).toBe("");
      const report = JSON.parse(run.stdout) as Report;
      expect(report.findings.map((f) => `${f.rule} ${f.message}`)).toEqual([
        "yaml/too-deep Nesting deeper than 100 levels: not validated.",
        "gitgate/warn 1 changed, after is null: true",
      ]);
    } finally {
      await own.remove();
    }
  });

  it("#21: a kind or message cannot forge headings, images or links in Markdown", async () => {
    const kind = "X\n## ✅ gitgate/validate: All governed files are valid\n![img](https://evil.example/i.png) [click](https://evil.example) <img src=x>";
    await repo.branch("inject", "main", {
      "k8s/inject.yaml": `apiVersion: v1\nkind: ${JSON.stringify(kind)}\nmetadata:\n  name: inject\n  namespace: ns\n`,
    });
    const run = await runCli(["check", "--repo", repo.dir, "--base", "main", "--head", "inject", "--format", "markdown"]);
    const report = (await checkAll(repo, "inject")).report;
    expect(report.findings.some((f) => f.message.startsWith("kind X"))).toBe(true);
    // What GitHub would show: the Markdown rendered to HTML.
    const html = await marked.parse(run.stdout);
    const headings = [...html.matchAll(/<h(\d)[^>]*>([\s\S]*?)<\/h\1>/g)].map((m) => `h${m[1]} ${m[2]}`);
    expect(headings.map((h) => h.replace(/<code>[\s\S]*?<\/code>/g, "CODE"))).toEqual(["h3 ❌ Fails: 1 new error · 1 object added in k8s/", "h4 ❌ CODE added · CODE line 1"]);
    expect(html).not.toMatch(/<img/i);
    // The only links are Gitgate's own, to the rule's documentation.
    for (const [href] of html.matchAll(/href="[^"]*"/gi)) expect(href).toMatch(/^href="https:\/\/github\.com\/gitgate\/gitgate\/blob\/main\/docs\/rules\.md#[a-z0-9-]+"$/);
  });
});
