import { describe, expect, it } from "vitest";
import { loadControlPlane } from "../../../src/config/load-control-plane.js";
import { memoryReader } from "../../../src/config/repo-reader.js";
import { evaluateChangeSet } from "../../../src/engine/evaluate-change-set.js";
import { evaluate } from "../../support/evaluate.js";

const kubernetesConfig = "version: 1\nschemas:\n  - files: 'k8s/**'\n    schema: kubernetes\n";
const deployment = (replicas: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: web:1
`;
const brief = (f: { severity: string; rule: string; path: string; line: number; column: number; message: string }) =>
  `${f.severity} ${f.rule} ${f.path}:${f.line}:${f.column} ${f.message}`;

describe("built-in Kubernetes schemas", () => {
  // The schema package's quantity pattern took every SI prefix: `memory: 1h` passed and the API server
  // refused it at apply.
  it("checks resource quantities as the API server parses them", async () => {
    const quantities = ["1h", "2da", "1Y", "1p", "1K", "500m", "1Gi", "1e3", "129e6", "0.5", ".5", "+1", "1E-2", "1n"];
    const resources = quantities.map((q, i) => `              r${i}: "${q}"`).join("\n");
    const report = await evaluate({ ".github/gitgate.yml": kubernetesConfig }, { "k8s/web.yaml": deployment("3").replace("          image: web:1\n", `          image: web:1\n          resources:\n            limits:\n${resources}\n`) });
    expect(report.findings.map((f) => `${f.rule} ${f.line}`)).toEqual(["schema/oneOf 18", "schema/oneOf 19", "schema/oneOf 20", "schema/oneOf 21", "schema/oneOf 22"]);
    expect(report.findings[0]!.message).toContain("spec.template.spec.containers[0].resources.limits.r0");
  });

  it("reports a type error in a single-document file at the value", async () => {
    const report = await evaluate({ ".github/gitgate.yml": kubernetesConfig }, { "k8s/web.yaml": deployment('"3"') });
    expect(report.findings.map(brief)).toEqual([
      "error schema/type k8s/web.yaml:6:13 spec.replicas must be an integer (Kubernetes apps/v1 Deployment)",
    ]);
    expect(report.conclusion).toBe("failure");
  });

  it("judges an aliased object at each place it is used: an unknown field there is found though the alias is also a free map", async () => {
    const pod = [
      "apiVersion: v1", "kind: Pod", "metadata:", "  name: web", "  annotations: &sc", '    runAsNonRot: "true"',
      "spec:", "  containers:", "    - name: web", "      image: nginx:1.27", "      securityContext: *sc", "",
    ].join("\n");
    const report = await evaluate({ ".github/gitgate.yml": kubernetesConfig }, { "k8s/pod.yaml": pod });
    expect(report.findings.map(brief)).toEqual([
      "error schema/unknown-field k8s/pod.yaml:11:7 spec.containers[0].securityContext.runAsNonRot is not a field the schema knows: did you mean `runAsNonRoot`? (Kubernetes v1 Pod)",
    ]);
  });

  it("lists a hundred schema findings per object and counts the rest", async () => {
    const keys = Array.from({ length: 1001 }, (_, i) => `  replicaz${i}: 1`).join("\n");
    const report = await evaluate({ ".github/gitgate.yml": kubernetesConfig }, { "k8s/web.yaml": deployment("3").replace("  replicas: 3", `  replicas: 3\n${keys}`) });
    expect(report.findings).toHaveLength(101);
    expect(report.findings.filter((f) => f.rule === "schema/unknown-field").slice(0, 2).map(brief)).toEqual([
      "error schema/unknown-field k8s/web.yaml:7:3 spec.replicaz0 is not a field the schema knows: did you mean `replicas`? (Kubernetes apps/v1 Deployment)",
      "error schema/unknown-field k8s/web.yaml:8:3 spec.replicaz1 is not a field the schema knows: did you mean `replicas`? (Kubernetes apps/v1 Deployment)",
    ]);
    expect(report.findings.find((f) => f.rule === "schema/unlisted")).toMatchObject({
      line: 1, column: 1, message: "901 more schema errors in this object, not listed: the first 100 are (Kubernetes apps/v1 Deployment).",
    });
  });

  it("reports an error in the third document of a stream at the file's line", async () => {
    const stream = [
      "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n",
      deployment("2"),
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: http-port\n",
    ].join("---\n");
    const report = await evaluate({ ".github/gitgate.yml": kubernetesConfig }, { "k8s/web.yaml": stream });
    expect(report.findings.map(brief)).toEqual([
      "error schema/type k8s/web.yaml:28:13 spec.ports[0].port must be an integer (Kubernetes v1 Service)",
    ]);
    expect(report.findings[0]).toMatchObject({ document: 2, pointer: "/spec/ports/0/port" });
  });

  it("reports a missing required property at its parent", async () => {
    const report = await evaluate(
      { ".github/gitgate.yml": kubernetesConfig },
      { "k8s/web.yaml": deployment("2").replace("        - name: web\n          image: web:1\n", "        - image: web:1\n") },
    );
    expect(report.findings.map(brief)).toEqual([
      'error schema/required k8s/web.yaml:14:11 spec.template.spec.containers[0]: missing required property "name" (Kubernetes apps/v1 Deployment)',
    ]);
  });

  it("validates Argo CD Applications and Flux objects", async () => {
    const app = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\nspec:\n  project: default\n  destination: {}\n  source:\n    repoURL: 42\n";
    const flux = "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\nspec:\n  interval: 10m\n  prune: maybe\n  sourceRef: { kind: GitRepository, name: flux-system }\n";
    const report = await evaluate({ ".github/gitgate.yml": kubernetesConfig }, { "k8s/app.yaml": app, "k8s/flux.yaml": flux });
    expect(report.findings.map(brief)).toEqual([
      "error schema/type k8s/app.yaml:9:14 spec.source.repoURL must be a string (Kubernetes argoproj.io/v1alpha1 Application)",
      "error schema/type k8s/flux.yaml:7:10 spec.prune must be a boolean (Kubernetes kustomize.toolkit.fluxcd.io/v1 Kustomization)",
    ]);
  });

  it("gives a notice for an unknown kind, an error with strict", async () => {
    const crd = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n";
    const lenient = await evaluate({ ".github/gitgate.yml": kubernetesConfig }, { "k8s/w.yaml": crd });
    expect(lenient.findings.map(brief)).toEqual(["notice schema/unknown-kind k8s/w.yaml:2:7 No built-in schema for example.com/v1 Widget: not validated."]);
    expect(lenient.conclusion).toBe("success");
    const strict = await evaluate({ ".github/gitgate.yml": kubernetesConfig + "    strict: true\n" }, { "k8s/w.yaml": crd });
    expect(strict.findings.map((f) => f.severity)).toEqual(["error"]);
    expect(strict.conclusion).toBe("failure");
  });

  it("requires apiVersion and kind", async () => {
    const report = await evaluate({ ".github/gitgate.yml": kubernetesConfig }, { "k8s/x.yaml": "metadata:\n  name: x\n" });
    expect(report.findings.map(brief)).toEqual(['error schema/required k8s/x.yaml:1:1 Not a Kubernetes object: missing required property "apiVersion" (a string).']);
  });
});

describe("repository schemas", () => {
  const config = (schema: string) => `version: 1\nschemas:\n  - files: 'apps/*/values.yaml'\n    schema: ${schema}\n`;
  const common = JSON.stringify({ $schema: "https://json-schema.org/draft/2020-12/schema", $defs: { port: { type: "integer", maximum: 65535 } } });
  const values2020 = JSON.stringify({
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    additionalProperties: false,
    required: ["port"],
    properties: { port: { $ref: "common.json#/$defs/port" }, name: { type: "string" } },
  });

  it("checks uniqueItems as JSON values, whatever the order of their keys, in every draft", async () => {
    for (const $schema of ["http://json-schema.org/draft-07/schema#", "https://json-schema.org/draft/2020-12/schema"]) {
      const unique = JSON.stringify({ $schema, type: "object", properties: { hosts: { type: "array", uniqueItems: true }, ports: { type: "array", uniqueItems: true } } });
      const report = await evaluate(
        { ".github/gitgate.yml": config("schemas/unique.json"), "schemas/unique.json": unique },
        { "apps/web/values.yaml": "hosts:\n  - {name: a, port: 1}\n  - {name: b}\n  - {port: 1, name: a}\nports: [1, 2, 1.0]\n" },
      );
      expect(report.findings.map(brief)).toEqual([
        "error schema/uniqueItems apps/web/values.yaml:1:1 hosts must not contain duplicates (items 0 and 2 are equal) (schemas/unique.json)",
        "error schema/uniqueItems apps/web/values.yaml:5:1 ports must not contain duplicates (items 0 and 2 are equal) (schemas/unique.json)",
      ]);
      const distinct = await evaluate(
        { ".github/gitgate.yml": config("schemas/unique.json"), "schemas/unique.json": unique },
        { "apps/web/values.yaml": "hosts:\n  - {name: a}\n  - {name: a, port: 1}\n  - [a]\n  - a\nports: [1, \"1\", true, null]\n" },
      );
      expect(distinct.findings).toEqual([]);
    }
  });

  it("follows $ref between the repository's schema files (2020-12)", async () => {
    const report = await evaluate(
      { ".github/gitgate.yml": config("schemas/values.json"), "schemas/values.json": values2020, "schemas/common.json": common },
      { "apps/web/values.yaml": "name: web\nport: 70000\nextra: 1\n" },
    );
    expect(report.findings.map(brief)).toEqual([
      "error schema/maximum apps/web/values.yaml:2:7 port must be <= 65535 (schemas/values.json)",
      "error schema/additionalProperties apps/web/values.yaml:3:1 extra: unknown property (not allowed by the schema) (schemas/values.json)",
    ]);
    expect(Object.keys(report.controlPlane.digests).sort()).toEqual([".github/gitgate.yml", "schemas/common.json", "schemas/values.json"]);
  });

  it("supports draft-07 schemas written in YAML", async () => {
    const schema = "$schema: http://json-schema.org/draft-07/schema#\ntype: object\nrequired: [name]\nproperties:\n  name: { type: string }\n";
    const report = await evaluate(
      { ".github/gitgate.yml": config("schemas/values.schema.yaml"), "schemas/values.schema.yaml": schema },
      { "apps/web/values.yaml": "replicas: 2\n" },
    );
    expect(report.findings.map(brief)).toEqual(['error schema/required apps/web/values.yaml:1:1 missing required property "name" (schemas/values.schema.yaml)']);
  });

  it("turns a missing or invalid schema into a config error at the rule, failing closed", async () => {
    const missing = await evaluate({ ".github/gitgate.yml": config("schemas/nope.json") }, { "apps/web/values.yaml": "a: 1\n" });
    expect(missing.findings.map(brief)).toEqual([
      "error config/schema .github/gitgate.yml:4:13 Schema schemas/nope.json cannot be used, so files matching it cannot be validated: schema file schemas/nope.json does not exist at the base commit",
      "error schema/unusable apps/web/values.yaml:1:1 Not validated against schemas/nope.json: that schema is broken at the base commit (see the config, line 4).",
    ]);
    expect(missing.conclusion).toBe("failure");
    const invalid = await evaluate(
      { ".github/gitgate.yml": config("s.json"), "s.json": '{"type": "strnig"}' },
      { "apps/web/values.yaml": "a: 1\n" },
    );
    expect(invalid.findings.map((f) => `${f.rule} ${f.line}:${f.column}`)).toEqual(["config/schema 4:13", "schema/unusable 1:1"]);
    expect(invalid.findings[0]!.message).toContain("schema is invalid");
    const draft4 = await evaluate(
      { ".github/gitgate.yml": config("s.json"), "s.json": '{"$schema": "http://json-schema.org/draft-04/schema#"}' },
      { "apps/web/values.yaml": "a: 1\n" },
    );
    expect(draft4.findings[0]!.message).toContain("unsupported $schema");
  });

  it("never quotes the offending value in a message", async () => {
    const schema = JSON.stringify({ type: "object", properties: { token: { type: "string", pattern: "^ok-" } } });
    const report = await evaluate(
      { ".github/gitgate.yml": config("s.json"), "s.json": schema },
      { "apps/web/values.yaml": "token: hunter2-super-secret\n" },
    );
    expect(report.findings).toHaveLength(1);
    expect(JSON.stringify(report.findings)).not.toContain("hunter2");
  });
});

describe("repository schema patterns", () => {
  const config = "version: 1\nschemas:\n  - files: 'apps/*/values.yaml'\n    schema: s.json\n";
  const schema = (keywords: object) => JSON.stringify({ type: "object", ...keywords });

  it("run in linear time: a pattern that backtracks catastrophically still judges at once", async () => {
    // JavaScript's engine doubles its time with each character of this value: 40 would take hours.
    const report = await evaluate(
      { ".github/gitgate.yml": config, "s.json": schema({ properties: { name: { type: "string", pattern: "^([a-z0-9]+-?)+$" } } }) },
      { "apps/web/values.yaml": `name: ${"a".repeat(40)}!\n` },
    );
    expect(report.findings.map(brief)).toEqual([
      "error schema/pattern apps/web/values.yaml:1:7 name must match the pattern ^([a-z0-9]+-?)+$ (s.json)",
    ]);
  });

  // ajv keeps each compiled pattern under its toString(): every one was "[object Object]", so every
  // pattern of a schema ran as the first one compiled (`.*`), and "80; DROP TABLE" passed `^[0-9]{1,5}$`.
  it("each run as written, however many a schema has", async () => {
    const report = await evaluate(
      { ".github/gitgate.yml": config, "s.json": schema({ properties: { comment: { type: "string", pattern: "^.*$" }, port: { type: "string", pattern: "^[0-9]{1,5}$" } } }) },
      { "apps/web/values.yaml": "comment: anything\nport: \"80; DROP TABLE\"\n" },
    );
    expect(report.findings.map(brief)).toEqual([
      "error schema/pattern apps/web/values.yaml:2:7 port must match the pattern ^[0-9]{1,5}$ (s.json)",
    ]);
  });

  // It compiles, and loops as it validates until the stack is gone: the whole evaluation failed with
  // "Maximum call stack size exceeded", no file or line, the rest of the change unjudged.
  it("a schema that refers to itself without reading data takes only its own files out, with a finding", async () => {
    const report = await evaluate(
      { ".github/gitgate.yml": config, "s.json": JSON.stringify({ $ref: "#/definitions/a", definitions: { a: { type: "object", allOf: [{ $ref: "#/definitions/a" }] } } }) },
      { "apps/web/values.yaml": "name: x\n" },
    );
    expect(report.findings.map((f) => `${f.severity} ${f.rule} ${f.path}:${f.line}`)).toEqual(["error schema/unusable apps/web/values.yaml:1"]);
    expect(report.findings[0]!.message).toContain("validating with it failed (Maximum call stack size exceeded)");
  });

  it("apply to patternProperties too", async () => {
    const report = await evaluate(
      { ".github/gitgate.yml": config, "s.json": schema({ patternProperties: { "^([a-z]+-?)+$": { type: "integer" } } }) },
      { "apps/web/values.yaml": `${"a".repeat(40)}: 1\n${"b".repeat(40)}: x\n` },
    );
    expect(report.findings.map((f) => `${f.rule} ${f.line}:${f.column}`)).toEqual(["schema/type 2:43"]);
  });

  it("that need backtracking (backreferences, lookaround) make the schema a config error, never a pass", async () => {
    for (const pattern of ["^(a)\\1$", "^(?!admin)", "(?<=x)y"]) {
      const report = await evaluate(
        { ".github/gitgate.yml": config, "s.json": schema({ properties: { name: { type: "string", pattern } } }) },
        { "apps/web/values.yaml": "name: admin\n" },
      );
      expect(report.findings.map((f) => `${f.rule} ${f.path}:${f.line}:${f.column}`)).toEqual(["config/schema .github/gitgate.yml:4:13", "schema/unusable apps/web/values.yaml:1:1"]);
      expect(report.findings[0]!.message).toContain("cannot be run in linear time");
      expect(report.conclusion).toBe("failure");
    }
  });
});

describe("policy paths", () => {
  it("refuse a prebuilt .wasm bundle instead of skipping it", async () => {
    const report = await evaluate(
      { ".github/gitgate.yml": "version: 1\npolicies:\n  paths: [policy/]\n", "policy/bundle.wasm": "\u0000asm", "policy/main.rego": "package main\n" },
      { "a.yaml": "a: 1\n" },
    );
    expect(report.findings.map(brief)).toEqual([
      "error policy/compile policy/bundle.wasm:1:1 Prebuilt .wasm bundles are not run: commit the Rego sources, Gitgate compiles them with the pinned OPA.",
    ]);
    expect(report.conclusion).toBe("failure");
  });
});

describe("unreadable files", () => {
  it("are an error, never a silent pass", async () => {
    const plane = await loadControlPlane(memoryReader({ ".github/gitgate.yml": "version: 1\n" }));
    const report = await evaluateChangeSet(plane, { base: "b", head: "h", files: [{ path: "vendor/lib.yaml", status: "added" }] }, { today: "2026-06-01" });
    expect(report.findings.map(brief)).toEqual(["error file/unreadable vendor/lib.yaml:1:1 The head version of this file could not be read as a file: not validated."]);
    expect(report.conclusion).toBe("failure");
  });
});
