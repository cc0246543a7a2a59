import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { runCli } from "../support/run-cli.js";

// A chart whose template puts a value into a Secret under a key that does not look secret: only
// rendering says that `database.conn` is a Secret's value.
const chart = {
  "charts/app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n",
  "charts/app/values.yaml": "replicas: 2\ndatabase:\n  conn: conn-old-Value-9xq\n",
  "charts/app/values-prod.yaml": "database:\n  conn: conn-old-Value-9xq\n",
  "charts/app/templates/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\nstringData:\n  conn: {{ .Values.database.conn | quote }}\n",
  "charts/app/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  replicas: {{ .Values.replicas | quote }}\n",
};
// A chart that makes no Secret: its values are shown as they are once it renders.
const plainChart = {
  "charts/plain/Chart.yaml": "apiVersion: v2\nname: plain\nversion: 0.1.0\n",
  "charts/plain/values.yaml": "replicas: 2\nmode: conn-old-Value-9xq\n",
  "charts/plain/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  replicas: {{ .Values.replicas | quote }}\n  mode: {{ .Values.mode | quote }}\n",
};
const config = (extra: string) => `version: 1\nfiles: ["charts/**"]\nschemas:\n  - files: "charts/app/values.yaml"\n    schema: schemas/values.json\n${extra}`;
// A rule the new value breaks, so that the values file has a finding on the secret's own line.
const valuesSchema = JSON.stringify({ type: "object", properties: { database: { type: "object", properties: { conn: { type: "string", maxLength: 18 } } } } });
const newValues = "replicas: 3\ndatabase:\n  conn: conn-NEW-s3cr3t-Value-7kd\n";
const secretParts = ["conn-old-Value-9xq", "s3cr3t-Value-7kd", "conn-NEW", "Y29ubi1"];

const check = async (repo: TestRepo, head: string) => {
  const text = await runCli(["check", "--repo", repo.dir, "--base", "main", "--head", head]);
  const json = await runCli(["check", "--repo", repo.dir, "--base", "main", "--head", head, "--format", "json"]);
  return { text: text.stdout + text.stderr, json: json.stdout + json.stderr };
};
const leaked = (output: string) => secretParts.filter((part) => output.includes(part));

describe("Helm values are secret unless a render traced them", () => {
  let off: TestRepo;
  let on: TestRepo;
  let tree: TestRepo;
  beforeAll(async () => {
    tree = await createTestRepo({ ".github/gitgate.yml": config("render: false\n"), "schemas/values.json": valuesSchema, ...chart, "charts/app/values.yaml": newValues });
    off = await createTestRepo({ ".github/gitgate.yml": config("render: false\n"), "schemas/values.json": valuesSchema, ...chart });
    await off.branch("change", "main", { "charts/app/values.yaml": newValues });
    on = await createTestRepo({ ".github/gitgate.yml": config(""), "schemas/values.json": valuesSchema, ...chart, ...plainChart });
    await on.branch("change", "main", { "charts/app/values.yaml": newValues });
    await on.branch("plain-change", "main", { "charts/plain/values.yaml": "replicas: 3\nmode: conn-NEW-s3cr3t-Value-7kd\n" });
    // What a chart does with a value on its way into a Secret may leave nothing to recognise it by.
    await on.branch("plain-makes-a-secret", "plain-change", {
      "charts/plain/templates/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: plain\nstringData:\n  auth: {{ .Values.mode | b64enc | quote }}\n",
    });
    // Removed or moved away, a values file is not looked up in its chart: its values are masked all the same.
    await on.branch("values-removed", "main", { "charts/app/values-prod.yaml": null, "charts/app/values.yml": "other: conn-NEW-s3cr3t-Value-7kd\n" });
    // The chart no longer renders at the head: its Secrets are not known.
    await on.branch("broken", "main", {
      "charts/app/values.yaml": newValues,
      "charts/app/templates/cm.yaml": chart["charts/app/templates/cm.yaml"] + "  mode: {{ required \"mode is required\" .Values.mode }}\n",
    });
  });
  afterAll(async () => {
    await off.remove();
    await on.remove();
    await tree.remove();
  });

  it("with rendering off, no value of a values file is shown: the preview names the keys that changed, the finding shows no line", async () => {
    const { text, json } = await check(off, "change");
    expect(leaked(text + json)).toEqual([]);
    expect(text).toContain("database.conn: ••• (masked, 18 characters) → ••• (masked, 25 characters)");
    expect(text).toContain("replicas: ••• (masked, 1 character) → ••• (masked, 1 character)");
    expect(text).toContain("3:9      error   database.conn must be at most 18 characters long (schemas/values.json)  schema/maxLength\n\n");
  });

  it("in a validate, which renders nothing, a finding on a values file shows no line", async () => {
    const run = await runCli(["validate", "--repo", tree.dir, `${tree.dir}/charts`]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("3:9      error   database.conn must be at most 18 characters long (schemas/values.json)  schema/maxLength\n\n");
    expect(leaked(run.stdout)).toEqual([]);
  });

  it("rendered at base and head by a chart that makes no Secret, the values file is shown as it is", async () => {
    const { text } = await check(on, "plain-change");
    expect(text).toContain("replicas: 2 → 3");
    expect(text).toContain("mode: conn-old-Value-9xq → conn-NEW-s3cr3t-Value-7kd");
  });

  it("rendered by a chart that makes Secrets, a values file is masked whole: what a template does to a value can leave nothing to find", async () => {
    const made = await check(on, "plain-makes-a-secret");
    expect(leaked(made.text + made.json)).toEqual([]);
    expect(made.text).toContain("replicas: ••• (masked, 1 character) → ••• (masked, 1 character)");
    const { text, json } = await check(on, "change");
    expect(leaked(text + json)).toEqual([]);
    expect(text).toContain("database.conn: ••• (masked, 18 characters) → ••• (masked, 25 characters)");
  });

  it("a values file removed, or a values.yml Helm does not read, is masked", async () => {
    const { text, json } = await check(on, "values-removed");
    expect(leaked(text + json)).toEqual([]);
  });

  it("when the chart does not render at the head, its values are masked whole", async () => {
    const { text, json } = await check(on, "broken");
    expect(text).toContain("render/failed");
    expect(leaked(text + json)).toEqual([]);
    expect(text).toContain("replicas: ••• (masked, 1 character) → ••• (masked, 1 character)");
  });
});
