import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/engine/report.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { runCli } from "../support/run-cli.js";

// A Secret's `data` is base64 as the API server reads it: line breaks are skipped. kustomize writes a
// generated Secret's long values over several lines; such a certificate was a schema/format error.
// The built CLI has the built-in kinds bundled with their own copy of the formats: both are checked.
const bin = join(new URL("../../", import.meta.url).pathname, "dist/cli/bin.js");
const config = 'version: 1\nschemas:\n  - files: "k8s/*.yaml"\n    schema: kubernetes\ncrds: [crds/]\n';
// The API server checks a CRD's `format: byte` otherwise: no line breaks, and not empty (ajv-formats'
// check passed a value with any one line that was base64).
const crd = [
  "apiVersion: apiextensions.k8s.io/v1",
  "kind: CustomResourceDefinition",
  "metadata:",
  "  name: blobs.example.com",
  "spec:",
  "  group: example.com",
  "  names: {kind: Blob, plural: blobs}",
  "  scope: Namespaced",
  "  versions:",
  "    - name: v1",
  "      served: true",
  "      storage: true",
  "      schema:",
  "        openAPIV3Schema:",
  "          type: object",
  "          properties:",
  "            spec:",
  "              type: object",
  "              properties:",
  "                content: {type: string, format: byte}",
  "",
].join("\n");
const blob = "apiVersion: example.com/v1\nkind: Blob\nmetadata:\n  name: b\nspec:\n  content: |\n    LS0tLS1CRUdJTiBLRVktLS0tLQpzdXBlci1zZWNyZXQta2V5LW1hdGVyaWFsCi0tLS0tRU\n    5EIEtFWS0tLS0tCg==\n" +
  "---\napiVersion: example.com/v1\nkind: Blob\nmetadata:\n  name: c\nspec:\n  content: |\n    not base64!\n    YWJj\n" +
  "---\napiVersion: example.com/v1\nkind: Blob\nmetadata:\n  name: d\nspec:\n  content: \"\"\n" +
  "---\napiVersion: example.com/v1\nkind: Blob\nmetadata:\n  name: e\nspec:\n  content: aGVsbG8=\n";
const secret = [
  "apiVersion: v1",
  "kind: Secret",
  "metadata:",
  "  name: tls",
  "data:",
  "  tls.key: |",
  "    LS0tLS1CRUdJTiBLRVktLS0tLQpzdXBlci1zZWNyZXQta2V5LW1hdGVyaWFsCi0tLS0tRU",
  "    5EIEtFWS0tLS0tCg==",
  "  broken: bm90IGJhc2U2NA=", // one "=" short
  "",
].join("\n");

describe("base64 as the API server reads it: a Secret's over several lines, a CRD's byte field in one", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({ ".github/gitgate.yml": config, "k8s/tls.yaml": secret, "crds/blob.yaml": crd, "k8s/blob.yaml": blob });
  });
  afterAll(() => repo.remove());

  const expected = [
    "k8s/blob.yaml error schema/format 6:12 spec.content must be a valid byte (example.com/v1 Blob, CRD blobs.example.com in crds/blob.yaml)",
    "k8s/blob.yaml error schema/format 15:12 spec.content must be a valid byte (example.com/v1 Blob, CRD blobs.example.com in crds/blob.yaml)",
    "k8s/blob.yaml error schema/format 24:12 spec.content must be a valid byte (example.com/v1 Blob, CRD blobs.example.com in crds/blob.yaml)",
    "k8s/tls.yaml error schema/format 9:11 data.broken must be a valid byte (Kubernetes v1 Secret)",
  ];
  const findings = (report: Report) => report.findings.map((f) => `${f.path} ${f.severity} ${f.rule} ${f.line}:${f.column} ${f.message}`);

  it("passes what the API server takes and fails the rest (from source, as the App runs)", async () => {
    const run = await runCli(["validate", "--repo", repo.dir, "--format", "json"]);
    expect(findings(JSON.parse(run.stdout) as Report)).toEqual(expected);
  });

  it("passes what the API server takes and fails the rest (the built CLI)", () => {
    const run = spawnSync(process.execPath, [bin, "validate", "--format", "json"], { cwd: repo.dir, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(findings(JSON.parse(run.stdout) as Report)).toEqual(expected);
  }, 60_000);
});
