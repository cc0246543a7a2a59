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
      "error schema/unknown-field k8s/text.yaml:5:1 new",
      "warning file/bom k8s/bom.yaml:1:1 new",
      "warning file/encoding k8s/latin1.yaml:4:12 new",
    ]);
    expect(run.status).toBe(1);
  });
});

// A file saved as Latin-1 or UTF-16 was "binary": an error at the base too, so a change that turned it
// into a privileged Pod was excused as that existing error and never judged. kubectl applies it.
describe("a manifest that is not UTF-8 is judged as kubectl decodes it", () => {
  const encodings: [string, (text: string) => Buffer][] = [
    ["Latin-1", (text) => Buffer.from(text, "latin1")],
    ["UTF-16 with a byte order mark", (text) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")])],
  ];
  it.each(encodings)("%s: a change to a privileged Pod fails", async (name, encode) => {
    const branch = name.replace(/\W/g, "-");
    await repo.branch(`${branch}-base`, "main", {
      ".github/gitgate.yml": "version: 1\nschemas:\n  - files: \"**/*.yaml\"\n    schema: kubernetes\npolicies:\n  builtin: [kubernetes]\n",
      "app.yaml": encode("# Configura\u00e7\u00e3o\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"),
    });
    await repo.branch(branch, `${branch}-base`, {
      "app.yaml": encode("# Configura\u00e7\u00e3o\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostPID: true\n  containers:\n    - name: c\n      image: busybox:1.36\n      securityContext:\n        privileged: true\n"),
    });
    const run = await runCli(["check", "--repo", repo.dir, "--base", `${branch}-base`, "--head", branch, "--format", "json"]);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.conclusion).toBe("failure");
    expect(report.findings.filter((f) => f.status === "new" && f.severity === "error").map(brief)).toEqual(expect.arrayContaining([
      "error k8s/privileged app.yaml:12:21 new",
    ]));
    expect(report.diff.objects.map((o) => o.id)).toEqual(["v1 Pod p", "v1 ConfigMap c"]);
  });
});
