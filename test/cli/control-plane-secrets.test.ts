import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { checkAll, expectNoSlice } from "../support/secret-output.js";

/**
 * The control-plane diff shows a file's changed lines, with no parsed value to mask: a file that holds
 * a Secret, or that does not parse, must be named without its lines, whether or not the file is also
 * governed and judged.
 */
const config = "version: 1\nignore: ['operator/creds.yaml']\ncrds: [operator/]\npolicies:\n  paths: [policy/]\n";
const crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.acme.example.com\nspec:\n  group: acme.example.com\n" +
  "  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n" +
  "      schema:\n        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}\n";
const secret = (token: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: operator-creds\n  namespace: ops\nstringData:\n  token: ${token}\n`;
const jsonSecret = (token: string, trailing: string) => `{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "j", "namespace": "ops"},\n "stringData": {"token": "${token}"}${trailing}}\n`;
const policy = (message: string) => `package main\n\nimport rego.v1\n\nwarn contains "${message}" if {\n  input.kind == "Widget"\n}\n`;

describe("gitgate check: control-plane files that may hold a Secret", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": config,
      "operator/crd.yaml": crd,
      "operator/creds.yaml": secret("Old-ignored-Tok-4411"),
      "policy/main.rego": policy("a widget"),
    });
  });
  afterAll(() => repo.remove());

  // extra.json is governed too: a JSON Secret with a trailing comma fails to parse, and no value of it is known.
  it("names an ignored Secret file and a Secret file that does not parse without their lines; other files keep theirs", async () => {
    await repo.branch("rotate", "main", {
      "operator/creds.yaml": secret("New-ignored-Tok-7723"),
      "operator/extra.json": jsonSecret("Jn4-newjson-77Xy", ","),
      "operator/crd.yaml": crd.replace("Namespaced", "Cluster"),
      "policy/main.rego": policy("a widget, again"),
    });
    const { outputs, all, report } = await checkAll(repo, "rotate");
    expect(report.controlPlane.diffs?.map((d) => `${d.path}: ${d.note ?? d.lines.join(" | ")}`)).toEqual([
      "operator/crd.yaml: @@ -6,5 +6,5 @@ |    group: acme.example.com |    names: {kind: Widget, plural: widgets} | -  scope: Namespaced | +  scope: Cluster |    versions: |      - name: v1",
      "operator/creds.yaml: the file holds a Kubernetes Secret, whose values are never shown",
      "operator/extra.json: the file does not parse as YAML or JSON, so it may hold a Secret's values",
      'policy/main.rego: @@ -3,5 +3,5 @@ |  import rego.v1 |   | -warn contains "a widget" if { | +warn contains "a widget, again" if { |    input.kind == "Widget" |  }',
    ]);
    expect(outputs.markdown).toContain("#### Control plane: `operator/creds.yaml` (modified)\n\nLines not shown: the file holds a Kubernetes Secret\\, whose values are never shown. See the PR's Files tab.");
    for (const value of ["Old-ignored-Tok-4411", "New-ignored-Tok-7723", "Jn4-newjson-77Xy"]) expectNoSlice(all, value);
  });
});
