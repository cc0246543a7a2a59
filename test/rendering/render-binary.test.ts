import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { brief } from "../support/parse-text.js";
import { checkJson, runCli } from "../support/run-cli.js";
import { checkAll, expectNoSlice } from "../support/secret-output.js";

// A kustomization whose secretGenerator reads a binary file (a Java keystore), and a chart whose
// template reads one with `.Files.Get`: the render helper is handed their bytes, so they render.

/** A keystore-shaped binary: JKS's magic, NUL bytes (git and GitHub call it binary), a password inside. */
const keystore = (password: string) => Buffer.concat([Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 0, 0, 1]), randomBytes(96), Buffer.from(password), Buffer.from([0, 0xff, 0x80, 0]), randomBytes(64)]);
const oldPassword = "Keystore-Old-Pass-4471-QZ";
const newPassword = "Keystore-New-Pass-9926-WX";
const oldKeystore = keystore(oldPassword);
const newKeystore = keystore(newPassword);

const policy = `package main

import rego.v1

deny contains msg if {
  input.kind == "Secret"
  not input.metadata.labels.owner
  msg := sprintf("Secret %s has no owner label (its keystore is %v)", [input.metadata.name, input.data["keystore.jks"]])
}
`;
const deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: { app: web }\n" +
  "  template:\n    metadata:\n      labels: { app: web }\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.0\n";
const kustomization = (labels: string) => `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
secretGenerator:
  - name: tls
    files:
      - keystore.jks
${labels}`;
const owned = "generatorOptions:\n  labels:\n    owner: platform\n";

describe("a kustomization whose secretGenerator reads a binary keystore", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\npolicies:\n  paths: [policy/]\n",
      "policy/secrets.rego": policy,
      "apps/tls/kustomization.yaml": kustomization(owned),
      "apps/tls/deployment.yaml": deployment,
      "apps/tls/keystore.jks": oldKeystore,
    });
    // The keystore rotated and the owner label dropped: the generated Secret changes and breaks the policy.
    await repo.branch("rotate", "main", { "apps/tls/keystore.jks": newKeystore, "apps/tls/kustomization.yaml": kustomization("") });
  });
  afterAll(() => repo.remove());

  it("renders at base and head, judges the generated Secret, and shows none of its bytes", async () => {
    const { all, report } = await checkAll(repo, "rotate");
    expect(report.findings.filter((f) => f.rule.startsWith("render/"))).toEqual([]);
    const denied = report.findings.filter((f) => f.rule === "main/deny");
    expect(denied.map(brief)).toEqual(["error main/deny apps/tls/kustomization.yaml:1:1 new"]);
    expect(denied[0]!.message).toMatch(/^Secret tls-[a-z0-9]+ has no owner label \(its keystore is •••\n?\) \[rendered Secret tls-[a-z0-9]+, Kustomize target apps\/tls\]$/);
    const secret = report.rendered?.targets[0]?.diff.objects.filter((o) => o.id.startsWith("v1 Secret"));
    expect(secret?.map((o) => o.status).sort()).toEqual(["added", "removed"]);
    // Neither keystore, nor its base64 (as the Secret holds it), nor the password inside, in any output.
    for (const bytes of [oldKeystore, newKeystore]) {
      expectNoSlice(all, bytes.toString("base64"));
      expectNoSlice(all, bytes.toString("latin1"));
    }
    for (const password of [oldPassword, newPassword]) expectNoSlice(all, password);
  });
});

const chart = "apiVersion: v2\nname: certs\nversion: 0.1.0\n";
// What charts do with a certificate: into a Secret, and its checksum on the object that must restart.
const certTemplate = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-cert
  annotations:
    checksum/cert: {{ .Files.Get "files/cert.p12" | sha256sum }}
data:
  size: "{{ len (.Files.GetBytes "files/cert.p12") }}"
---
apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-cert
type: Opaque
data:
  cert.p12: {{ .Files.Get "files/cert.p12" | b64enc }}
`;

describe("a Helm chart whose template reads a binary file with .Files.Get", () => {
  let repo: TestRepo;
  const oldCert = keystore("P12-Cert-Pass-5150-KL");
  const newCert = keystore("P12-Cert-Pass-6262-MN-longer");
  const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\n",
      "charts/certs/Chart.yaml": chart,
      "charts/certs/values.yaml": "replicas: 1\n",
      "charts/certs/templates/cert.yaml": certTemplate,
      "charts/certs/files/cert.p12": oldCert,
    });
    // A values file in the change puts the chart in sight (a binary file alone, away from templates/, does not).
    const values = { "charts/certs/values.yaml": "replicas: 2\n" };
    await repo.branch("rotate-cert", "main", { ...values, "charts/certs/files/cert.p12": newCert });
    const icons = (folder: string) => Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`${folder}/icon-${String(i).padStart(2, "0")}.png`, keystore(`icon ${i}`)]));
    await repo.branch("too-many", "main", { ...values, ...icons("charts/certs/files") });
    // Already past the bound at its base: a failure of Gitgate's own bounds is never excused as existing.
    await repo.branch("too-many-edit", "too-many", { "charts/certs/values.yaml": "replicas: 3\n" });
    // A chart no template of which reads files needs none of their bytes: its icons are no bound's concern.
    await repo.branch("icons", "main", {
      "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
      "charts/web/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n",
      ...icons("charts/web/docs"),
    });
  });
  afterAll(() => repo.remove());

  it("renders with the file's bytes in the chart, at the base and at the head", async () => {
    const { all, report } = await checkAll(repo, "rotate-cert");
    expect(report.findings.filter((f) => f.rule.startsWith("render/")).map((f) => f.message)).toEqual([]);
    const objects = report.rendered?.targets[0]?.diff.objects ?? [];
    expect(objects.map((o) => [o.status, o.id, o.changes.map((c) => [c.pointer, c.before, c.after])])).toEqual([
      ["changed", "v1 ConfigMap certs-cert", [["/metadata/annotations/checksum~1cert", sha256(oldCert), sha256(newCert)], ["/data/size", String(oldCert.length), String(newCert.length)]]],
      ["changed", "v1 Secret certs-cert", [["/data/cert.p12", expect.objectContaining({ masked: true }), expect.objectContaining({ masked: true })]]],
    ]);
    for (const bytes of [oldCert, newCert]) expectNoSlice(all, bytes.toString("base64"));
  });

  it("never excuses a failure of its own bounds as one the base had", async () => {
    const run = await runCli(["check", "--repo", repo.dir, "--base", "too-many", "--head", "too-many-edit", "--format", "json"]);
    expect(run.status).toBe(1);
    expect((JSON.parse(run.stdout) as { findings: { rule: string; status: string }[] }).findings.filter((f) => f.rule === "render/failed").map((f) => f.status)).toEqual(["new"]);
  });

  it("hands a chart that reads no files none of its binary files", async () => {
    const { report } = await checkJson(repo.dir, "icons");
    expect(report.findings.filter((f) => f.rule.startsWith("render/"))).toEqual([]);
    expect(report.rendered?.targets.map((t) => t.diff.objects.map((o) => `${o.status} ${o.id}`))).toEqual([["added v1 ConfigMap web"]]);
  });

  it("fails closed, naming the file, past the bound on a chart's binary files", async () => {
    const { status, report } = await checkJson(repo.dir, "too-many");
    expect(status).toBe(1);
    expect(report.findings.filter((f) => f.rule === "render/failed").map((f) => `${brief(f)} ${f.message}`)).toEqual([
      "error render/failed charts/certs/Chart.yaml:1:1 new Helm target charts/certs (its own values: nothing in this repository gives it values): rendering failed: " +
        "not rendered: charts/certs/files/icon-31.png is one binary file too many: Gitgate hands a target at most 32 binary files",
    ]);
  });
});

describe("the binary files of all the targets a change renders", () => {
  let repo: TestRepo;
  const overlays = 5;
  const overlay = (i: number) => ({
    [`apps/o${i}/kustomization.yaml`]: `resources:\n  - ../base\nnameSuffix: -o${i}\nsecretGenerator:\n  - name: certs\n    files:\n${Array.from({ length: 30 }, (_, j) => `      - c${j}.p12\n`).join("")}`,
    ...Object.fromEntries(Array.from({ length: 30 }, (_, j) => [`apps/o${i}/c${j}.p12`, keystore(`o${i} c${j}`)])),
  });
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\n",
      "apps/base/kustomization.yaml": "resources:\n  - cm.yaml\n",
      "apps/base/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: slow\n",
      ...Object.assign({}, ...Array.from({ length: overlays }, (_, i) => overlay(i))),
    });
    // One line of the shared base: every overlay renders, at base and head, each with 30 keystores.
    await repo.branch("edit-base", "main", { "apps/base/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n" });
  });
  afterAll(() => repo.remove());

  it("reads at most 128 for one change, and fails the targets past that closed", async () => {
    const { status, report } = await checkJson(repo.dir, "edit-base");
    expect(status).toBe(1);
    const failed = report.findings.filter((f) => f.rule === "render/failed");
    // 300 wanted: four versions of targets (4 × 30 = 120) fit, every later one is refused.
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) expect(f.message).toMatch(/the change's targets read more binary files than Gitgate reads for one change \(128 files, 64 MiB\)/);
    expect(report.rendered?.targets).toHaveLength(overlays);
  });
});
