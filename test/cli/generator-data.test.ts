import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/engine/report.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { brief } from "../support/parse-text.js";
import { checkJson, runCli } from "../support/run-cli.js";

// A file a kustomization's generator reads is content for a Secret or ConfigMap, not a manifest. It
// used to be judged as YAML: an env file was a yaml/syntax error, a password file a
// schema/not-an-object error with the password as its source line. Now it is named, not parsed, and a
// secretGenerator's data is a Secret's: never shown, and scrubbed wherever else it turns up.
const config = "version: 1\nfiles: ['k/**']\nschemas:\n  - files: 'k/**'\n    schema: kubernetes\n";
const kustomization = [
  "apiVersion: kustomize.config.k8s.io/v1beta1",
  "kind: Kustomization",
  "resources: [other.yaml]",
  "secretGenerator:",
  "  - name: db",
  "    envs: [secrets.env]",
  "    files: [tls.key, pw=creds/password.txt]",
  "configMapGenerator:",
  "  - name: app",
  "    files: [app.properties]",
  "",
].join("\n");
const secretValues = ["hunter2-very-secret", "tok-abcdef-123456", "super-secret-key-material", "p4ssw0rd-in-file"];
const files = {
  ".github/gitgate.yml": config,
  "k/app/kustomization.yaml": kustomization,
  "k/app/secrets.env": "# the database\nDB_PASSWORD=hunter2-very-secret\nAPI_TOKEN=\"tok-abcdef-123456\"\nFROM_ENVIRONMENT\n",
  "k/app/tls.key": "-----BEGIN KEY-----\nsuper-secret-key-material\n-----END KEY-----\n",
  "k/app/creds/password.txt": "p4ssw0rd-in-file\n",
  "k/app/app.properties": "greeting=hello\n",
  // The same password pasted where a finding shows its line.
  "k/app/other.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n  pasword: hunter2-very-secret\n",
  // A kustomization nothing deploys names a manifest as its generator's data: it is judged all the same,
  // or any kustomization could take any file out of judging.
  "k/evil/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nconfigMapGenerator:\n  - name: x\n    files: [../app/other.yaml]\n",
};
const notice = (path: string, generator: string, what: string, shown: boolean) =>
  `notice file/generator-data ${path}:1:1 new Data for the ${generator} of k/app/kustomization.yaml: kustomize puts it in ${what}, so it is not a manifest ` +
  `and is not validated on its own${shown ? "" : ", and none of its lines is shown"}. What the kustomization renders is validated where a pull request renders it.`;

describe("data a kustomization's generators read", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo(files);
    // Only the env file changes: its kustomization is looked up at the head, not in the change.
    await repo.branch("rotate", "main", { "k/app/secrets.env": "DB_PASSWORD=rotated-secret-value\n" });
  });
  afterAll(() => repo.remove());

  it("is named, not parsed, and none of a secretGenerator's values is in any output", async () => {
    const json = await runCli(["validate", "--repo", repo.dir, "--format", "json"]);
    const report = JSON.parse(json.stdout) as Report;
    expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
      "error schema/unknown-field k/app/other.yaml:5:3 new metadata.pasword is not a field the schema knows (Kubernetes v1 ConfigMap)",
      notice("k/app/app.properties", "configMapGenerator", "a ConfigMap", true),
      notice("k/app/creds/password.txt", "secretGenerator", "a Secret", false),
      "notice schema/unknown-kind k/app/kustomization.yaml:2:7 new No built-in schema for kustomize.config.k8s.io/v1beta1 Kustomization: not validated.",
      notice("k/app/secrets.env", "secretGenerator", "a Secret", false),
      notice("k/app/tls.key", "secretGenerator", "a Secret", false),
      expect.stringMatching(/^notice schema\/unknown-kind k\/evil\/kustomization\.yaml:2:7 /),
    ]);
    for (const format of ["text", "json", "sarif", "markdown"]) {
      const run = await runCli(["validate", "--repo", repo.dir, "--format", format]);
      for (const value of secretValues) expect(run.stdout).not.toContain(value);
    }
    const text = await runCli(["validate", "--repo", repo.dir]);
    // The pasted password's line is shown, the password masked.
    expect(text.stdout).toContain("5 |   pasword: •••");
  });

  it("is named in a pull request that changes only it, its kustomization looked up at the head", async () => {
    const { report } = await checkJson(repo.dir, "rotate");
    // The change renders the kustomization: its Secret (a certificate over lines, as kustomize writes it) passes.
    expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
      "error schema/unknown-field k/app/other.yaml:5:12 existing metadata.pasword is not a field the schema knows (Kubernetes v1 ConfigMap) " +
        "[rendered ConfigMap other, field /metadata/pasword, Kustomize target k/app, traced to this resource line]",
      notice("k/app/secrets.env", "secretGenerator", "a Secret", false),
    ]);
    expect(JSON.stringify(report)).not.toContain("rotated-secret-value");
  });
});

describe("a manifest a secretGenerator names as its data", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": config,
      "k/x/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nsecretGenerator:\n  - name: s\n    files: [pod.yaml]\n",
      "k/x/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containerz: []\n  hostname: leaked-through-a-generator\n",
    });
  });
  afterAll(() => repo.remove());

  it("is judged as the manifest it is, its values secret", async () => {
    const run = await runCli(["validate", "--repo", repo.dir, "--format", "json"]);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.findings.map(brief)).toEqual([
      "error schema/required k/x/pod.yaml:5:1 new",
      "error schema/unknown-field k/x/pod.yaml:6:3 new",
      "notice schema/unknown-kind k/x/kustomization.yaml:2:7 new",
    ]);
    expect(run.stdout).not.toContain("leaked-through-a-generator");
  });
});
