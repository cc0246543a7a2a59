import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/engine/report.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { brief } from "../support/parse-text.js";
import { checkJson, runCli } from "../support/run-cli.js";

const config = "version: 1\nschemas:\n  - files: \"**\"\n    schema: kubernetes\npolicies:\n  builtin: [kubernetes]\n";
const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: nginx:1.27.0
`;
const overlay = (tag: string, extra = "") => `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
images:
  - name: nginx
    newTag: "${tag}"
${extra}`;

/** The findings the change introduces, as a person reads them. */
const newFindings = (report: Report) => report.findings.filter((f) => f.status === "new").map((f) => `${brief(f)} ${f.message}`);

describe("Kustomize overlays are rendered and judged", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": config,
      "apps/web/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
      "apps/web/base/deployment.yaml": deployment,
      "apps/web/overlays/prod/kustomization.yaml": overlay("1.27.0"),
      "apps/web/overlays/staging/kustomization.yaml": overlay("1.27.0"),
      "docs/readme.yaml": "title: docs\n",
      "docs/example-values.yaml": "replicas: 1\n",
    });
    await repo.branch("latest", "main", { "apps/web/overlays/prod/kustomization.yaml": overlay("latest") });
    await repo.branch("unrelated", "main", { "docs/example-values.yaml": "replicas: 2\n" });
    await repo.branch("docs", "main", { "docs/readme.yaml": "title: more docs\n" });
    await repo.branch("patched", "main", {
      "apps/web/overlays/prod/kustomization.yaml": overlay("1.27.0", "patches:\n  - path: privileged.yaml\n"),
      "apps/web/overlays/prod/privileged.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          securityContext:\n            privileged: true\n",
    });
    await repo.branch("broken", "main", { "apps/web/overlays/prod/kustomization.yaml": overlay("1.27.0", "resources:\n  - missing.yaml\n").replace("resources:\n  - ../../base\n", "") });
    await repo.branch("remote", "main", {
      "apps/web/overlays/prod/kustomization.yaml": overlay("1.27.0").replace("  - ../../base\n", "  - ../../base\n  - https://github.com/example/platform//base?ref=v1.0.0\n"),
    });
    // The overlay refused at the base already: a local edit to it leaves the refusal as it was.
    await repo.branch("remote-edit", "remote", {
      "apps/web/overlays/prod/kustomization.yaml": overlay("1.27.1").replace("  - ../../base\n", "  - ../../base\n  - https://github.com/example/platform//base?ref=v1.0.0\n"),
    });
  });
  afterAll(() => repo.remove());

  it("catches `images: newTag: latest` on the kustomization line, rendering only the overlay that changed", async () => {
    const { status, report } = await checkJson(repo.dir, "latest");
    expect(status).toBe(1);
    expect(newFindings(report)).toEqual([
      "error k8s/image-tag apps/web/overlays/prod/kustomization.yaml:7:13 new container \"web\" uses the :latest tag: pin a version tag or a digest " +
        "[rendered Deployment web, field /spec/template/spec/containers/0/image, Kustomize target apps/web/overlays/prod, traced to this kustomization line]",
    ]);
    // Findings the base render had too are existing, traced to the resource file that holds the object.
    expect(report.findings.find((f) => f.rule === "k8s/run-as-non-root")).toMatchObject({ status: "existing", path: "apps/web/base/deployment.yaml", line: 13 });
    expect(report.rendered?.discovered).toBe(2);
    expect(report.rendered?.targets.map((t) => t.target)).toEqual(["apps/web/overlays/prod"]);
    expect(report.rendered?.targets[0]?.diff.objects.map((o) => [o.status, o.id, o.changes.map((c) => c.pointer)])).toEqual([
      ["changed", "apps/v1 Deployment web", ["/spec/template/spec/containers/0/image"]],
    ]);
  });

  it("renders no target when the change touches none of their files", async () => {
    const { status, report } = await checkJson(repo.dir, "unrelated");
    expect(status).toBe(0);
    expect(report.rendered).toEqual({ discovered: 2, targets: [] });
  });

  it("does not even list the repository for a change with no GitOps source in sight", async () => {
    const { status, report } = await checkJson(repo.dir, "docs");
    expect(status).toBe(0);
    expect(report.rendered).toBeUndefined();
  });

  it("validates a patch file as a partial object, and judges the object it produces, traced to the patch line", async () => {
    const { status, report } = await checkJson(repo.dir, "patched");
    expect(status).toBe(1);
    expect(newFindings(report)).toEqual([
      "error k8s/privileged apps/web/overlays/prod/privileged.yaml:11:25 new container \"web\" runs privileged: it has full access to the node " +
        "[rendered Deployment web, field /spec/template/spec/containers/0/securityContext/privileged, Kustomize target apps/web/overlays/prod, traced to this patch]",
      "notice file/kustomize-patch apps/web/overlays/prod/privileged.yaml:1:1 new Kustomize patch named by apps/web/overlays/prod/kustomization.yaml: " +
        "validated as a partial object (field names and types; required fields are not checked, the object it patches provides them).",
    ]);
  });

  // A kustomization nothing renders (ignored here) named a real manifest as its patch: the manifest was
  // taken for a patch, judged in the rendered objects, and so judged by no policy at all.
  it("polices a file that only a kustomization nothing renders names as a patch", async () => {
    const decoy = await createTestRepo({
      ".github/gitgate.yml": "version: 1\nignore: [\"docs/**\"]\nschemas:\n  - files: \"clusters/**\"\n    schema: kubernetes\npolicies:\n  builtin: [kubernetes]\n",
      "clusters/prod/config.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
    });
    try {
      await decoy.branch("decoy", "main", {
        "clusters/prod/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: busybox:1.36\n      securityContext:\n        privileged: true\n",
        "docs/kustomization.yaml": "patches:\n  - path: ../clusters/prod/pod.yaml\n",
      });
      const { status, report } = await checkJson(decoy.dir, "decoy");
      expect(status).toBe(1);
      expect(newFindings(report).filter((f) => f.startsWith("error"))).toEqual(expect.arrayContaining([
        "error k8s/privileged clusters/prod/pod.yaml:10:21 new container \"c\" runs privileged: it has full access to the node",
      ]));
    } finally {
      await decoy.remove();
    }
  });

  it("makes a kustomization that does not build an error on the kustomization", async () => {
    const { status, report } = await checkJson(repo.dir, "broken");
    expect(status).toBe(1);
    const failed = report.findings.filter((f) => f.rule === "render/failed");
    expect(failed.map(brief)).toEqual(["error render/failed apps/web/overlays/prod/kustomization.yaml:1:1 new"]);
    expect(failed[0]!.message).toMatch(/^Kustomize target apps\/web\/overlays\/prod: rendering failed: .*missing\.yaml/);
  });

  it("fails closed, saying how to get it, when the render helper is not installed", async () => {
    const saved = { render: process.env.GITGATE_RENDER, cache: process.env.GITGATE_RENDER_CACHE };
    delete process.env.GITGATE_RENDER;
    process.env.GITGATE_RENDER_CACHE = "/nonexistent/gitgate-render-cache";
    try {
      const { status, report } = await checkJson(repo.dir, "latest");
      expect(status).toBe(1);
      expect(newFindings(report)).toEqual([expect.stringMatching(/^error render\/failed apps\/web\/overlays\/prod\/kustomization\.yaml:1:1 new Kustomize target apps\/web\/overlays\/prod: rendering failed: rendering Kustomize and Helm needs the gitgate-render helper, which was not found\. .*npm run render-helper/)]);
    } finally {
      if (saved.render !== undefined) process.env.GITGATE_RENDER = saved.render;
      if (saved.cache === undefined) delete process.env.GITGATE_RENDER_CACHE;
      else process.env.GITGATE_RENDER_CACHE = saved.cache;
    }
  });

  it("fails closed when GITGATE_RENDER names a helper of another version, which may not say everything the judge needs", async () => {
    // A protocol 3 helper: it renders, but does not say which protocol it speaks.
    const dir = await mkdtemp(join(tmpdir(), "gitgate-old-helper-"));
    const helper = join(dir, "gitgate-render");
    await writeFile(join(dir, "reply.json"), JSON.stringify({ ok: true, yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n" }));
    await writeFile(helper, `#!/bin/sh\n/bin/cat >/dev/null\n/bin/cat '${join(dir, "reply.json")}'\n`, { mode: 0o755 });
    const saved = process.env.GITGATE_RENDER;
    process.env.GITGATE_RENDER = helper;
    try {
      const { status, report } = await checkJson(repo.dir, "latest");
      expect(status).toBe(1);
      expect(newFindings(report)).toEqual([
        "error render/failed apps/web/overlays/prod/kustomization.yaml:1:1 new Kustomize target apps/web/overlays/prod: rendering failed: the render helper speaks protocol 3 or older, not 5: " +
          "it was built from another version of Gitgate (build this version's tools/render, npm run render-helper, and point GITGATE_RENDER at it)",
      ]);
    } finally {
      if (saved === undefined) delete process.env.GITGATE_RENDER;
      else process.env.GITGATE_RENDER = saved;
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("excuses a Kustomize target's failure the base had too: its own files are judged as they are", async () => {
    const run = await runCli(["check", "--repo", repo.dir, "--base", "remote", "--head", "remote-edit", "--format", "json"]);
    expect(run.status).toBe(0);
    expect((JSON.parse(run.stdout) as Report).findings.filter((f) => f.severity === "error").map(brief)).toEqual([
      "error render/refused apps/web/overlays/prod/kustomization.yaml:5:5 existing",
    ]);
  });

  it("refuses a remote base without render.network, on the line that names it", async () => {
    const { status, report } = await checkJson(repo.dir, "remote");
    expect(status).toBe(1);
    expect(newFindings(report)).toEqual([
      "error render/refused apps/web/overlays/prod/kustomization.yaml:5:5 new Kustomize target apps/web/overlays/prod: not rendered: " +
        "\"https://github.com/example/platform//base?ref=v1.0.0\" (apps/web/overlays/prod/kustomization.yaml:5) is remote. " +
        "Gitgate renders from this repository only, with no network unless `render.network: true`",
    ]);
  });
});
