import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { brief } from "../support/parse-text.js";
import { checkJson } from "../support/run-cli.js";

const config = "version: 1\nschemas:\n  - files: \"k8s/**\"\n    schema: kubernetes\npolicies:\n  builtin: [kubernetes]\n";
// Ten thousand and one open brackets in a quoted value: Gitgate judges nothing of such a file (a
// nesting bomb), while the cluster's reader takes the string as it is.
const banner = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: banner\ndata:\n  art: "${"[".repeat(10_001)}"\n`;
const privilegedPod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  containers:\n    - name: main\n      image: nginx:1.27.0\n      securityContext:\n        privileged: true\n";

describe("an error that leaves a file unjudged is never excused by the base", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": config,
      "k8s/banner.yaml": banner,
      "charts/app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n",
      "charts/app/values.yaml": "replicas: 1\n",
      "charts/app/templates/banner.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: banner\ndata:\n  art: \"{{ repeat 10001 \"[\" }}\"\n",
    });
    await repo.branch("pod-below-the-bomb", "main", { "k8s/banner.yaml": `${banner}---\n${privilegedPod}` });
    await repo.branch("pod-in-the-chart", "main", { "charts/app/templates/debug.yaml": `{{- if true }}\n${privilegedPod}{{- end }}\n` });
    // The same text as at the base: nothing new is hidden behind the error.
    await repo.branch("renamed", "main", { "k8s/banner.yaml": null, "k8s/art.yaml": banner });
    await repo.branch("chart-readme", "main", { "charts/app/README.md": "# app\n" });
  });
  afterAll(() => repo.remove());

  it("fails a file whose change sits behind the nesting bomb its base had", async () => {
    const { status, report } = await checkJson(repo.dir, "pod-below-the-bomb");
    expect(status).toBe(1);
    expect(report.findings.filter((f) => f.severity === "error").map(brief)).toEqual(["error yaml/too-deep k8s/banner.yaml:6:10009 new"]);
  });

  it("fails a chart whose rendered output Gitgate could not read at the base either", async () => {
    const { status, report } = await checkJson(repo.dir, "pod-in-the-chart");
    expect(status).toBe(1);
    expect(report.findings.filter((f) => f.severity === "error").map((f) => `${f.rule} ${f.status}`)).toEqual(["yaml/too-deep new"]);
  });

  it("excuses it where the text is the same as at the base: a renamed file, a chart whose output did not change", async () => {
    for (const branch of ["renamed", "chart-readme"]) {
      const { status, report } = await checkJson(repo.dir, branch);
      expect(status, branch).toBe(0);
      expect(report.findings.filter((f) => f.severity === "error").map((f) => `${f.rule} ${f.status}`), branch).toEqual(["yaml/too-deep existing"]);
    }
  });
});
