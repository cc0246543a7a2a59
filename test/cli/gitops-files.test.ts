import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { brief } from "../support/parse-text.js";
import { checkJson } from "../support/run-cli.js";

const kubernetesConfig = "version: 1\nschemas:\n  - files: \"**\"\n    schema: kubernetes\n";

describe("the default file size limit lets real repositories through", () => {
  let repo: TestRepo;
  // kube-prometheus' largest manifest (grafana-dashboardDefinitions.yaml) is 1.05 MB.
  const dashboards = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dashboards\ndata:\n  big.json: "${"x".repeat(1_100_000)}"\n`;
  const huge = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\ndata:\n  big.json: "${"x".repeat(4 * 1024 * 1024)}"\n`;
  beforeAll(async () => {
    repo = await createTestRepo({ ".github/gitgate.yml": kubernetesConfig });
    await repo.branch("dashboards", "main", { "manifests/dashboards.yaml": dashboards, "manifests/huge.yaml": huge });
  });
  afterAll(() => repo.remove());

  it("validates a 1.1 MB manifest under the default limit (4 MiB) and refuses a file over it", async () => {
    const { report } = await checkJson(repo.dir, "dashboards");
    expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
      `error file/too-large manifests/huge.yaml:1:1 new File is ${Buffer.byteLength(huge)} bytes, over the 4194304-byte limit: not validated.`,
    ]);
    expect(report.summary).toMatchObject({ governedFiles: 2, documents: 1 });
  });
});
