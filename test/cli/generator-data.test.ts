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

// After review: what a kustomization may not take out of judging, and data it names that Gitgate misses.
describe("generator data, the edges", () => {
  let repo: TestRepo;
  const netpol = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny-all\nspec:\n  podSelector: {}\n";
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\nfiles: ['k/**']\nschemas:\n  - files: 'k/**'\n    schema: kubernetes\nlimits:\n  max_file_bytes: 2000\n",
      "k/app/netpol.yaml": netpol,
      "k/app/kustomization.yaml": [
        "apiVersion: kustomize.config.k8s.io/v1beta1",
        "kind: Kustomization",
        // Read as kustomize reads it: field names in any case, an absolute path from the repository's root.
        "SecretGenerator:",
        "  - name: db",
        "    envs: [/k/app/db.env, json.env]",
        "",
      ].join("\n"),
      "k/app/db.env": "DB_PASSWORD=absolute-path-secret\n",
      // A value with a colon: not clean YAML, yet an env file kustomize reads.
      "k/app/json.env": "CONFIG_JSON={\"user\": \"admin\", \"password\": \"json-env-secret\"}\n",
      // Data a kustomization two folders up names: not known as such, and bare text: never shown.
      "k/app/secrets/prod/tls.key": "deep-data-secret-line\n",
    });
    await repo.branch("hide", "main", {
      // A manifest's removal, and files no kustomization may take out of judging: too large, binary.
      "k/app/netpol.yaml": "# moved\n",
      "k/app/big.yaml": `# ${"x".repeat(3000)}\n`,
      "k/app/blob.bin": Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]),
      "k/evil/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nconfigMapGenerator:\n  - name: x\n    files: [../app/netpol.yaml, ../app/big.yaml, ../app/blob.bin]\n",
      "k/app/secrets/prod/tls.key": "deep-data-rotated-line\n",
    });
  });
  afterAll(() => repo.remove());

  it("judges what a generator may not hide, and shows no data it misses", async () => {
    const { report } = await checkJson(repo.dir, "hide");
    expect(report.findings.map(brief)).toEqual([
      "error file/too-large k/app/big.yaml:1:1 new",
      "error file/binary k/app/blob.bin:1:1 new",
      "error schema/not-an-object k/app/secrets/prod/tls.key:1:1 existing",
      // Its target cannot be rendered either: the render is given no file Gitgate does not read as text.
      "error render/failed k/evil/kustomization.yaml:1:1 new",
      "notice schema/unknown-kind k/evil/kustomization.yaml:2:7 new",
    ]);
    expect(report.diff.objects.map((o) => `${o.status} ${o.id}`)).toContain("removed networking.k8s.io/v1 NetworkPolicy deny-all");
    const shown = JSON.stringify(report);
    for (const value of ["deep-data-secret-line", "deep-data-rotated-line"]) expect(shown).not.toContain(value);
  });

  it("reads a kustomization's fields in any case, absolute paths from the root, and env values with colons", async () => {
    const run = await runCli(["validate", "--repo", repo.dir, "--format", "json"]);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.findings.filter((f) => f.path !== "k/app/secrets/prod/tls.key").map(brief)).toEqual([
      "notice file/generator-data k/app/db.env:1:1 new",
      "notice file/generator-data k/app/json.env:1:1 new",
      "notice schema/unknown-kind k/app/kustomization.yaml:2:7 new",
    ]);
    for (const value of ["absolute-path-secret", "json-env-secret", "deep-data-secret-line"]) expect(run.stdout).not.toContain(value);
  });
});
