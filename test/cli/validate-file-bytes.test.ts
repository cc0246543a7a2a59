import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/engine/report.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { brief } from "../support/parse-text.js";
import { runCli } from "../support/run-cli.js";

// `validate` hands the evaluation thread each file's bytes, which it decodes itself: what is not UTF-8
// text is still a finding on its file, and a text file reads exactly as before.
let repo: TestRepo;
beforeAll(async () => {
  repo = await createTestRepo({
    ".github/gitgate.yml": "version: 1\nschemas:\n  - files: \"k8s/**\"\n    schema: kubernetes\n",
    "k8s/binary.yaml": Buffer.from([0x6b, 0x3a, 0x00, 0x01, 0x02]),
    "k8s/latin1.yaml": Buffer.from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n", "latin1"),
    "k8s/bom.yaml": "\uFEFFapiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  k: v\n",
    "k8s/text.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\u00e9\ndataa:\n  k: v\n",
  });
});
afterAll(() => repo.remove());

describe("validate reads each file's bytes on the thread that judges it", () => {
  it("reports binary and non-UTF-8 files, a BOM, and text findings on their lines", async () => {
    const run = await runCli(["validate", "--repo", repo.dir, "--format", "json"]);
    expect(run.stderr).toBe("");
    const report = JSON.parse(run.stdout) as Report;
    expect(report.findings.map(brief)).toEqual([
      "error file/binary k8s/binary.yaml:1:1 new",
      "error file/binary k8s/latin1.yaml:1:1 new",
      "error schema/unknown-field k8s/text.yaml:5:1 new",
      "warning file/bom k8s/bom.yaml:1:1 new",
    ]);
    expect(run.status).toBe(1);
  });
});
