import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { checkAll, expectNoSlice } from "../support/secret-output.js";

const config = "version: 1\nschemas:\n  - files: \"**\"\n    schema: kubernetes\n";
const deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: { app: web }\n" +
  "  template:\n    metadata:\n      labels: { app: web }\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.0\n";
const overlay = (password: string, pin: string, extra = "") => `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
${extra}secretGenerator:
  - name: web-db
    literals:
      - DB_PASSWORD=${password}
      - PIN=${pin}
`;

describe("Kustomize targets: secrets in what the kustomization says and what the render says", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": config,
      "apps/web/base/kustomization.yaml": "resources:\n  - deployment.yaml\n  - secret.yaml\n",
      "apps/web/base/deployment.yaml": deployment,
      "apps/web/base/secret.yaml": `apiVersion: v1\nkind: Secret\nmetadata:\n  name: web-base\ndata:\n  password: ${Buffer.from("Unchanged-Base-Pw-7741").toString("base64")}\nstringData:\n  apikey: Unchanged-Plain-Key-3318\n`,
      "apps/web/overlays/prod/kustomization.yaml": overlay("Gen-new-Pw-9923", "4711"),
    });
  });
  afterAll(() => repo.remove());

  it("masks a secretGenerator literal in the preview when the head does not render", async () => {
    await repo.branch("broken-rotate", "main", { "apps/web/overlays/prod/kustomization.yaml": overlay("Gen-newer-Pw-5581", "0815", "  - missing.yaml\n") });
    const { all, report } = await checkAll(repo, "broken-rotate");
    expect(report.findings.map((f) => f.rule)).toContain("render/failed");
    // The literal is a Secret value, masked whole like a Secret's data: key and value, whatever their length.
    expect(report.diff.objects.flatMap((o) => o.changes.map((c) => `${c.field}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`))).toEqual([
      'resources[1]: undefined → "missing.yaml"',
      'secretGenerator[web-db].literals[0]: {"masked":true,"length":27} → {"masked":true,"length":29}',
      'secretGenerator[web-db].literals[1]: {"masked":true,"length":8} → {"masked":true,"length":8}',
    ]);
    for (const value of ["Gen-new-Pw-9923", "Gen-newer-Pw-5581"]) expectNoSlice(all, value);
    expect(all).not.toMatch(/PIN=(4711|0815)/);
  });

  it("drops kustomize's dump of a Secret's node from a render failure, and scrubs it of the Secrets the render read", async () => {
    // A new overlay whose replacement goes into the base Secret's values: kustomize fails and prints the
    // node it reached. The Secret file is not part of the change and renders nowhere else.
    const leak = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base\nreplacements:\n" +
      "  - source: {kind: Deployment, name: web, fieldPath: metadata.name}\n    targets:\n      - select: {kind: Secret}\n        fieldPaths: [data.password.nope]\n";
    await repo.branch("replace-into-secret", "main", { "apps/web/overlays/leak/kustomization.yaml": leak });
    const { all, report } = await checkAll(repo, "replace-into-secret");
    expect(report.findings.filter((f) => f.rule === "render/failed").map((f) => f.message)).toEqual([
      'Kustomize target apps/web/overlays/leak: rendering failed: unable to find field "data.password.nope" in replacement target: ' +
        "wrong node kind: expected MappingNode but got ScalarNode: node contents: (not shown)",
    ]);
    for (const value of ["Unchanged-Base-Pw-7741", Buffer.from("Unchanged-Base-Pw-7741").toString("base64"), "Unchanged-Plain-Key-3318"]) expectNoSlice(all, value);
  });
});

describe("Helm charts: a render failure quoting values no render traced", () => {
  // Helm's JSON-schema errors quote each failing value with Go's %q, a single quote escaped in the single
  // quotes around it: that form was not scrubbed, and a value with a quote every few characters came out
  // whole. And the error was flattened before it was scrubbed: two spaces in a row became one, the
  // value no longer read as itself, and its short words came out between the masks.
  it("is scrubbed of every value as the error quotes it", async () => {
    const schema = JSON.stringify({ type: "object", properties: { db: { type: "object", properties: { password: { type: "string", pattern: "^[A-Za-z0-9]+$" }, phrase: { type: "string", pattern: "^[A-Za-z0-9]+$" } } } } });
    const repo = await createTestRepo({
      ".github/gitgate.yml": config,
      "charts/app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n",
      "charts/app/templates/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: {{ .Values.db.password | quote }}\n",
      "charts/app/values.yaml": "db:\n  password: Plain0ld\n  phrase: Plain0ldPhrase\n",
      "charts/app/values.schema.json": schema,
    });
    try {
      await repo.branch("rotate", "main", { "charts/app/values.yaml": "db:\n  password: \"Tr0ub4'dor&3x\"\n  phrase: \"correct  horse  battery  staple\"\n" });
      const { all, report } = await checkAll(repo, "rotate");
      const failures = report.findings.filter((f) => f.rule === "render/failed").map((f) => f.message);
      expect(failures).toHaveLength(1);
      // Helm lists the schema's errors in no fixed order.
      expect(failures[0]).toMatch(/^Helm target charts\/app \(its own values: nothing in this repository gives it values\): rendering failed: values don't meet the specifications/);
      for (const field of ["password", "phrase"]) expect(failures[0]).toContain(`- at '/db/${field}': '•••' does not match pattern '^[A-Za-z0-9]+$'`);
      for (const fragment of ["Tr0ub4", "dor&3x", "correct", "horse", "battery", "staple"]) expect(all).not.toContain(fragment);
    } finally {
      await repo.remove();
    }
  });
});

describe("a file moved out of a preview.redact folder", () => {
  // Its base version's values were collected as secrets under its new path, which is not redacted: the
  // file's own preview masked them, but the render of the kustomization that reads it showed them.
  it("keeps its base values masked everywhere, the render's preview included", async () => {
    const configMap = (key: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata:\n  apiKey: ${key}\n  other: keep\n`;
    const repo = await createTestRepo({
      ".github/gitgate.yml": `${config}preview:\n  redact: ["**/secret/**"]\n`,
      "app/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [secret/app.yaml]\n",
      "app/secret/app.yaml": configMap("OldRedactedKey9876"),
    });
    try {
      await repo.branch("move", "main", {
        "app/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [config/app.yaml]\n",
        "app/secret/app.yaml": null,
        "app/config/app.yaml": configMap("NewPublicValue1234"),
      });
      const { all, report } = await checkAll(repo, "move");
      expect(report.rendered?.targets.map((t) => t.target)).toEqual(["app"]);
      expectNoSlice(all, "OldRedactedKey9876");
    } finally {
      await repo.remove();
    }
  });

  // The other way: moved into one, its old values are masked in the preview by the new path, and must
  // be scrubbed from every other output too (read under the old path only, they were not).
  it("and a file moved into one keeps its old values masked too", async () => {
    const configMap = (key: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata:\n  apiKey: ${key}\n  other: keep\n`;
    const repo = await createTestRepo({
      ".github/gitgate.yml": `version: 1\nrender: false\npreview:\n  redact: ["secure/**"]\npolicies:\n  paths: [policy/]\n`,
      "policy/changes.rego": 'package gitgate\n\nimport rego.v1\n\nwarn contains sprintf("was %s", [c.before.data.apiKey]) if {\n  some c in input.changes\n  c.before != null\n}\n',
      "plain/app.yaml": configMap("Tr0ub4dor-and-3-legacy"),
    });
    try {
      await repo.branch("move", "main", { "plain/app.yaml": null, "secure/app.yaml": configMap("Tr0ub4dor-and-3-rotated") });
      const { all, report } = await checkAll(repo, "move");
      expect(report.findings.map((f) => f.message)).toEqual(["was •••"]);
      for (const value of ["Tr0ub4dor-and-3-legacy", "Tr0ub4dor-and-3-rotated"]) expectNoSlice(all, value);
    } finally {
      await repo.remove();
    }
  });
});

describe("a Kustomize patch whose target may be a Secret, with nothing rendered", () => {
  // A JSON 6902 patch is a list of operations, no Secret: with `render: false` (and in a validate,
  // which renders nothing) the value it writes into a Secret was shown in the preview.
  const patch = (value: string) => `- op: replace\n  path: /stringData/password\n  value: ${value}\n`;
  const kustomization = (target: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [secret.yaml, deploy.yaml]\npatches:\n  - path: pw-patch.yaml\n    target: ${target}\n  - path: replicas.yaml\n    target: {kind: Deployment, name: web}\n`;
  const replicas = (n: number) => `- op: replace\n  path: /spec/replicas\n  value: ${n}\n`;
  it.each([["{kind: Secret, name: db}"], ["{name: db}"], ["{kind: 'Sec.*', name: db}"]])("is masked as a redacted file (target %s), and a Deployment's patch is not", async (target) => {
    const repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\nrender: false\n",
      "app/kustomization.yaml": kustomization(target),
      "app/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: Base-Secret-Pw-4411\n",
      "app/deploy.yaml": deployment,
      "app/pw-patch.yaml": patch("PatchedSecretPw42"),
      "app/replicas.yaml": replicas(2),
    });
    try {
      await repo.branch("rotate", "main", { "app/pw-patch.yaml": patch("RotatedSecretPw99"), "app/replicas.yaml": replicas(3) });
      const { all, report } = await checkAll(repo, "rotate");
      for (const value of ["PatchedSecretPw42", "RotatedSecretPw99"]) expectNoSlice(all, value);
      expect(report.diff.objects.flatMap((o) => o.changes.map((c) => `${o.path} ${c.field}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`))).toEqual([
        'app/pw-patch.yaml [0].value: {"masked":true,"length":17} → {"masked":true,"length":17}',
        "app/replicas.yaml [0].value: 2 → 3",
      ]);
    } finally {
      await repo.remove();
    }
  });
});

describe("a patch file named twice, once for a Secret", () => {
  // Facts kept the first naming of a file only: named for a Deployment first, it was not known to patch a Secret.
  it("is masked whatever naming comes first", async () => {
    const patch = (value: string) => `- op: replace\n  path: /stringData/password\n  value: ${value}\n`;
    const kustomization = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [secret.yaml]\npatches:\n" +
      "  - path: shared.yaml\n    target: {kind: Deployment, name: web}\n  - path: shared.yaml\n    target: {kind: Secret, name: db}\n";
    const repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\nrender: false\n",
      "app/kustomization.yaml": kustomization,
      "app/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: Base-Secret-Pw-4411\n",
      "app/shared.yaml": patch("TwiceNamedPw-1234"),
    });
    try {
      await repo.branch("rotate", "main", { "app/shared.yaml": patch("TwiceNamedPw-5678") });
      const { all } = await checkAll(repo, "rotate");
      for (const value of ["TwiceNamedPw-1234", "TwiceNamedPw-5678"]) expectNoSlice(all, value);
    } finally {
      await repo.remove();
    }
  });
});

describe("a patch file whose kustomization stops naming a Secret in the change", () => {
  // What the kustomizations say was read at the head only: retargeted away from the Secret (or removed)
  // in the same change, the patch's base values were shown.
  it("keeps its base values masked", async () => {
    const patch = (value: string) => `- op: replace\n  path: /stringData/password\n  value: ${value}\n`;
    const kustomization = (kind: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [secret.yaml]\npatches:\n  - path: pw.yaml\n    target: {kind: ${kind}, name: db}\n`;
    const repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\nrender: false\n",
      "app/kustomization.yaml": kustomization("Secret"),
      "app/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: Base-Secret-Pw-4411\n",
      "app/pw.yaml": patch("RetargetedPw-9911"),
    });
    try {
      await repo.branch("retarget", "main", { "app/kustomization.yaml": kustomization("ConfigMap"), "app/pw.yaml": patch("NowAConfigValue") });
      const { all } = await checkAll(repo, "retarget");
      expectNoSlice(all, "RetargetedPw-9911");
    } finally {
      await repo.remove();
    }
  });
});

describe("a patch a kustomization writes inline for a Secret", () => {
  // The same leak as a patch file's, inline: the kustomization's `patches[].patch` string was shown.
  it("is masked in the preview, scrubbed everywhere, and hides the kustomization's lines; one for a Deployment is shown", async () => {
    const kustomization = (password: string, replicas: number) => "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [secret.yaml]\npatches:\n" +
      `  - target: {kind: Secret, name: db}\n    patch: |\n      - op: replace\n        path: /stringData/password\n        value: ${password}\n` +
      `  - target: {kind: Deployment, name: web}\n    patch: |\n      - op: replace\n        path: /spec/replicas\n        value: ${replicas}\n  - pathh: typo.yaml\n`;
    const repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\nrender: false\nschemas:\n  - files: '**/kustomization.yaml'\n    schema: schemas/kustomization.json\n",
      "schemas/kustomization.json": JSON.stringify({ type: "object", properties: { patches: { type: "array", items: { type: "object", properties: { path: {}, patch: {}, target: {} }, additionalProperties: false } } } }),
      "app/kustomization.yaml": kustomization("InlinePatchPw-1111", 2),
      "app/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: Base-Secret-Pw-4411\n",
    });
    try {
      await repo.branch("rotate", "main", { "app/kustomization.yaml": kustomization("InlinePatchPw-2222", 3) });
      const { all, outputs, report } = await checkAll(repo, "rotate");
      for (const value of ["InlinePatchPw-1111", "InlinePatchPw-2222"]) expectNoSlice(all, value);
      expect(report.diff.objects.flatMap((o) => o.changes.map((c) => `${c.field}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`))).toEqual([
        'patches[0].patch: {"masked":true,"length":71} → {"masked":true,"length":71}',
        'patches[1].patch: "- op: replace\\n  path: /spec/replicas\\n  value: 2\\n" → "- op: replace\\n  path: /spec/replicas\\n  value: 3\\n"',
      ]);
      // The typo's finding is shown without the kustomization's lines.
      expect(report.findings.map((f) => `${f.rule} ${f.path}:${f.line}`)).toEqual(["schema/additionalProperties app/kustomization.yaml:15"]);
      expect(outputs.text).not.toMatch(/\| {2}- pathh: typo.yaml/);
    } finally {
      await repo.remove();
    }
  });
});

describe("a secretGenerator spelt in another case", () => {
  // Kustomize reads `SecretGenerator:` and `Literals:` as it reads them in camel case; Gitgate knew the
  // literals only in camel case, and showed the others in the preview.
  it("has its literals masked as a secretGenerator's", async () => {
    const kustomization = (password: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nSecretGenerator:\n  - name: db\n    Literals:\n      - PASSWORD=${password}\n`;
    const repo = await createTestRepo({ ".github/gitgate.yml": "version: 1\nrender: false\n", "app/kustomization.yaml": kustomization("Old-Cased-Pw-5521") });
    try {
      await repo.branch("rotate", "main", { "app/kustomization.yaml": kustomization("New-Cased-Pw-7734") });
      const { all, report } = await checkAll(repo, "rotate");
      for (const value of ["Old-Cased-Pw-5521", "New-Cased-Pw-7734"]) expectNoSlice(all, value);
      expect(report.diff.objects.flatMap((o) => o.changes.map((c) => `${c.field}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`))).toEqual([
        'SecretGenerator[db].Literals[0]: {"masked":true,"length":26} → {"masked":true,"length":26}',
      ]);
    } finally {
      await repo.remove();
    }
  });
});
