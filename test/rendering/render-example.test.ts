import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildExampleRepo, type ExampleRepo } from "../../src/examples/example-repo.js";
import { brief } from "../support/parse-text.js";
import { checkJson, runCli } from "../support/run-cli.js";

describe("the example's values-only PR", () => {
  let example: ExampleRepo;
  beforeAll(async () => {
    example = await buildExampleRepo();
  });
  afterAll(() => example.remove());

  it("fails on the privileged container the chart renders from the new values line", async () => {
    const { status, report } = await checkJson(example.dir, "values-privileged");
    expect(status).toBe(1);
    expect(report.findings.filter((f) => f.status === "new").map(brief)).toEqual(["error k8s/privileged envs/production/guestbook-values.yaml:7:15 new"]);
    expect(report.rendered).toMatchObject({ discovered: 3, targets: [{ target: "Application guestbook-production (charts/guestbook)", deployedBy: { kind: "Application", name: "guestbook-production" } }] });
  });

  it("previews what will be deployed, grouped by the Application, above the source diff", async () => {
    const text = (await runCli(["check", "--repo", example.dir, "--base", "main", "--head", "values-privileged"])).stdout;
    const rendered = text.indexOf("Rendered (what will be deployed): 1 target changed, of 3");
    expect(rendered).toBeGreaterThan(0);
    expect(text.slice(rendered)).toContain(
      "= Application guestbook-production (Helm, charts/guestbook/Chart.yaml): 0 added, 1 changed, 0 removed\n" +
      "  ~ apps/v1 Deployment guestbook/guestbook\n" +
      "      spec.template.spec.containers[guestbook].securityContext.privileged: (none) → true\n",
    );
    expect(text.indexOf("Preview: 0 added, 1 changed, 0 removed")).toBeGreaterThan(rendered);
    const markdown = (await runCli(["check", "--repo", example.dir, "--base", "main", "--head", "values-privileged", "--format", "markdown"])).stdout;
    expect(markdown).toMatch(/### Rendered: what will be deployed\n\n1 target changed by this pull request \(of 3 found\)[^]*#### Application guestbook\\-production[^]*<code>apps\/v1 Deployment guestbook\/guestbook<\/code>/);
  });
});
