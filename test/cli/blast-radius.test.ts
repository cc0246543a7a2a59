import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { brief } from "../support/parse-text.js";
import { checkJson } from "../support/run-cli.js";

/** A Deployment the built-in kubernetes pack has nothing against, unless the image is changed. */
const deployment = (name: string, image = "registry.example/app:1.0", replicas: string = "2") => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      securityContext: { runAsNonRoot: true }
      containers:
        - name: app
          image: ${image}
          readinessProbe: { httpGet: { path: /ready, port: 8080 } }
          livenessProbe: { httpGet: { path: /live, port: 8080 } }
          resources:
            requests: { cpu: 100m, memory: 64Mi }
            limits: { cpu: 200m, memory: 128Mi }
`;

const expiredException = `exceptions:
  - rule: k8s/image-tag
    files: ["k8s/tools/**"]
    reason: Tools are rebuilt nightly
    owner: "@acme/platform"
    expires: "2000-01-01"
`;

describe("an expired exception", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\npolicies:\n  builtin: [kubernetes]\n",
      ".github/gitgate-exceptions.yml": expiredException,
      "k8s/tools/debug.yaml": deployment("debug", "busybox:latest"),
      "k8s/web.yaml": deployment("web"),
    });
    await repo.branch("unrelated", "main", { "k8s/web.yaml": deployment("web", "registry.example/app:1.1") });
    await repo.branch("touches-waived", "main", { "k8s/tools/debug.yaml": deployment("debug", "busybox:latest", "3") });
    await repo.branch("adds-waived", "main", { "k8s/tools/new.yaml": deployment("new", "busybox:latest") });
  });
  afterAll(() => repo.remove());

  it("does not fail an unrelated PR: one warning naming the exception and its owner, on its line", async () => {
    const { status, report } = await checkJson(repo.dir, "unrelated");
    expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
      "warning exceptions/expired .github/gitgate-exceptions.yml:6:14 new Exception for k8s/image-tag (owner @acme/platform) expired on 2000-01-01: it waives nothing any more; renew it or fix what it waived.",
    ]);
    expect(report.conclusion).toBe("success");
    expect(status).toBe(0);
  });

  it("stops waiving: a finding the base already had comes back as existing, and fail_on: new passes", async () => {
    const { status, report } = await checkJson(repo.dir, "touches-waived");
    expect(report.findings.map(brief)).toEqual([
      "error k8s/image-tag k8s/tools/debug.yaml:17:18 existing",
      "warning exceptions/expired .github/gitgate-exceptions.yml:6:14 new",
    ]);
    expect(report.findings[0]!.waiver).toBeUndefined();
    expect(status).toBe(0);
  });

  it("stops waiving: a finding the change brings is new and fails", async () => {
    const { status, report } = await checkJson(repo.dir, "adds-waived");
    expect(report.findings.map(brief)).toEqual([
      "error k8s/image-tag k8s/tools/new.yaml:17:18 new",
      "warning exceptions/expired .github/gitgate-exceptions.yml:6:14 new",
    ]);
    expect(status).toBe(1);
  });
});

describe("a broken file at the base hides nothing else", () => {
  const goodSchema = JSON.stringify({ type: "object", properties: { port: { type: "integer" } } });
  const base = {
    ".github/gitgate.yml": `version: 1
schemas:
  - files: "config/**/*.json"
    schema: schemas/broken.schema.json
  - files: "settings/**/*.json"
    schema: schemas/settings.schema.json
  - files: "k8s/**"
    schema: kubernetes
policies:
  builtin: [kubernetes]
  paths: [policy]
`,
    "schemas/broken.schema.json": '{"type": "object", "properties": ',
    "schemas/settings.schema.json": goodSchema,
    "policy/main.rego": "package main\n\ndeny contains msg if {\n  input.kind == \"ConfigMap\"\n  msg := \"no ConfigMaps\"\n}\n",
    ".github/gitgate-exceptions.yml": expiredException,
  };
  const change = {
    "config/app.json": '{"port": "eighty"}\n',
    "settings/app.json": '{"port": "eighty"}\n',
    "k8s/web.yaml": deployment("web", "busybox:latest", "two"),
  };
  const repos: TestRepo[] = [];
  /** The base above with `broken` over it, and the change on branch "pr". */
  const judge = async (broken: Record<string, string> = {}) => {
    const repo = await createTestRepo({ ...base, ...broken });
    repos.push(repo);
    await repo.branch("pr", "main", change);
    return checkJson(repo.dir, "pr");
  };
  afterAll(async () => {
    for (const repo of repos) await repo.remove();
  });

  it("a broken schema fails with its own error; the files it matches say they were not validated; the rest is judged", async () => {
    const { status, report } = await judge();
    expect(report.findings.map(brief)).toEqual([
      "error config/schema .github/gitgate.yml:4:13 new",
      "error schema/unusable config/app.json:1:1 new",
      "error schema/type k8s/web.yaml:7:13 new",
      "error k8s/image-tag k8s/web.yaml:17:18 new",
      "error schema/type settings/app.json:1:10 new",
      "warning exceptions/expired .github/gitgate-exceptions.yml:6:14 new",
    ]);
    expect(report.findings.find((f) => f.rule === "schema/unusable")!.message).toBe(
      "Not validated against schemas/broken.schema.json: that schema is broken at the base commit (see the config, line 4).",
    );
    expect(report.conclusion).toBe("failure");
    expect(status).toBe(2);
  });

  it("a policy that does not compile is skipped with its error; schemas and built-in packs still run", async () => {
    const { status, report } = await judge({ "policy/main.rego": "package main\n\ndeny contains msg if {\n  input.kind ==\n}\n" });
    expect(report.findings.map(brief)).toEqual([
      "error config/schema .github/gitgate.yml:4:13 new",
      "error schema/unusable config/app.json:1:1 new",
      "error schema/type k8s/web.yaml:7:13 new",
      "error k8s/image-tag k8s/web.yaml:17:18 new",
      "error policy/compile policy/main.rego:5:1 new",
      "error schema/type settings/app.json:1:10 new",
      "warning exceptions/expired .github/gitgate-exceptions.yml:6:14 new",
    ]);
    expect(status).toBe(2);
  });

  it("a broken exceptions file waives nothing, and everything else is judged", async () => {
    const { status, report } = await judge({ ".github/gitgate-exceptions.yml": "exceptions:\n  - rule: k8s/image-tag\n    files: [\"k8s/**\"]\n    reason: all of them\n    expires: \"2099-01-01\"\n" });
    expect(report.findings.map(brief)).toEqual([
      "error exceptions/invalid .github/gitgate-exceptions.yml:2:5 new",
      "error config/schema .github/gitgate.yml:4:13 new",
      "error schema/unusable config/app.json:1:1 new",
      "error schema/type k8s/web.yaml:7:13 new",
      "error k8s/image-tag k8s/web.yaml:17:18 new",
      "error schema/type settings/app.json:1:10 new",
    ]);
    expect(status).toBe(2);
  });

  it("an invalid config still judges nothing", async () => {
    const { status, report } = await judge({ ".github/gitgate.yml": "version: 1\nfail_on: never\n" });
    expect(report.findings.map(brief)).toEqual(["error config/invalid .github/gitgate.yml:2:10 new"]);
    expect(report.title).toBe("Gitgate config at the base is invalid");
    expect(status).toBe(2);
  });
});
