import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/engine/report.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { brief } from "../support/parse-text.js";
import { checkJson, runCli } from "../support/run-cli.js";
import { expectNoSlice, formats } from "../support/secret-output.js";

// A report's paths are where its findings land, so they are shown as they are, even when a secret
// value (or a value treated as one) is written in them. A chart's values file is masked whole when no
// render shows which of its values reach a Secret: `environment: production` in it made every
// `production/` folder of the report `•••/`, and an annotation on such a path lands on no file.
const config = "version: 1\nfiles: ['charts/**', 'clusters/**']\nrender: false\nschemas:\n  - files: 'clusters/**'\n    schema: kubernetes\n";
const secret = "hunter2-production-password";
const files = {
  ".github/gitgate.yml": config,
  "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n",
  "charts/web/values.yaml": "environment: production\nimage:\n  repository: ghcr.io/acme/web-frontend\n",
  "charts/web/templates/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n",
  "clusters/production/secret.yaml": `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\nstringData:\n  password: ${secret}\n`,
  // A custom resource whose CRD the config does not name: its notice quotes the CRD's path.
  "clusters/production/widget-crd.yaml": "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.acme.example.com\nspec:\n  group: acme.example.com\n" +
    "  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n" +
    "      schema:\n        openAPIV3Schema: {type: object}\n",
  "clusters/production/widget.yaml": "apiVersion: acme.example.com/v1\nkind: Widget\nmetadata:\n  name: w\n",
  // The password pasted where a finding shows its line: still scrubbed.
  "clusters/production/api.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api\n  pasword: ${secret}\n`,
};

describe("paths in a report", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo(files);
    await repo.branch("pr", "main", {
      "charts/web/values.yaml": "environment: production\nreplicas: 3\n",
      "clusters/production/settings.yaml": "retries: 3\n",
      "clusters/production/api.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api\n  pasword: ${secret}\n  labelz: {}\n`,
    });
  });
  afterAll(() => repo.remove());

  it("are exact in a validate's JSON and text, while the values they share with secrets are scrubbed elsewhere", async () => {
    const json = await runCli(["validate", "--repo", repo.dir, "--format", "json"]);
    const report = JSON.parse(json.stdout) as Report;
    const unknownField = "error schema/unknown-field clusters/production/api.yaml:5:3 new";
    expect(report.findings.map(brief)).toContain(unknownField);
    expect(report.findings.map(brief)).toContain("notice file/helm-template charts/web/templates/deploy.yaml:1:1 new");
    // A path Gitgate quotes in a message is kept as the report's paths are; the rest of the message is scrubbed as ever.
    expect(report.findings.filter((f) => f.path === "clusters/production/widget.yaml").map((f) => f.message)).toEqual([
      "No built-in schema for acme.example.com/v1 Widget (its CustomResourceDefinition is in clusters/production/widget-crd.yaml: " +
        "name that file or its folder under `crds:` in the config to validate against it): not validated.",
    ]);
    expect(json.stdout).not.toContain(secret);

    const text = await runCli(["validate", "--repo", repo.dir]);
    expect(text.stdout).toContain("\nclusters/production/api.yaml\n");
    expect(text.stdout).toContain("\ncharts/web/templates/deploy.yaml\n");
    expect(text.stdout).toMatch(/ 5 \|   pasword: •••\n/);
    expect(text.stdout).not.toContain(secret);
  });

  it("are exact in a check, as the App annotates them", async () => {
    const { report } = await checkJson(repo.dir, "pr");
    expect(report.findings.filter((f) => f.path.startsWith("clusters/")).map(brief)).toEqual([
      "error schema/unknown-field clusters/production/api.yaml:5:3 existing",
      "error schema/unknown-field clusters/production/api.yaml:6:3 new",
      "error schema/required clusters/production/settings.yaml:1:1 new",
    ]);
    // A document that is no Kubernetes object is known in the preview by its path.
    expect(report.diff.objects.map((o) => o.id)).toContain("clusters/production/settings.yaml");
    expect(JSON.stringify(report)).not.toContain(secret);
  });
});

describe("a change-set policy naming a path", () => {
  const policy = `package gitgate

import rego.v1

deny contains {"msg": "named in the change", "path": c.path} if {
  some c in input.changes
  c.after.kind == "ConfigMap"
}

deny contains {"msg": "named from input", "path": c.after.data.token} if {
  some c in input.changes
  c.after.kind == "ConfigMap"
}
`;
  it("lands on that file when it is in the change, else on the change as a whole, its path in the message and scrubbed there", async () => {
    const token = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
    const repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\npolicies:\n  paths: [policy/changes.rego]\n",
      "policy/changes.rego": policy,
    });
    try {
      await repo.branch("pr", "main", { "k8s/cm.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  token: ${token}\n` });
      const { report } = await checkJson(repo.dir, "pr");
      expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
        'error gitgate/deny :1:1 new named from input (the policy named "•••", which is no file of this change)',
        "error gitgate/deny k8s/cm.yaml:1:1 new named in the change",
      ]);
    } finally {
      await repo.remove();
    }
  });
});

describe("a secret holding a path Gitgate listed", () => {
  // Paths a message quotes are kept, but only what scrubbing masks wholly inside one: a value holding
  // a listed path was cut there, and what lay on either side was scrubbed on its own, so a fragment
  // shorter than a slice, a value matched only whole (inline Helm values, and Secret values past the
  // slice budget) came out in clear.
  const policy = `package main

import rego.v1

deny contains sprintf("secret %s is %s", [k, v]) if {
  input.kind == "Secret"
  some k, v in input.stringData
  not startswith(k, "filler")
}

deny contains sprintf("value %s is %s", [k, v]) if {
  input.kind == "Application"
  some k, v in input.spec.source.helm.valuesObject
}

deny contains sprintf("the settings are in %s", [input.metadata.annotations.source]) if {
  input.kind == "ConfigMap"
}
`;
  const fillers = Array.from({ length: 1000 }, (_, i) => `  filler${i}: ${`${i}-filler-value-`.repeat(20)}\n`).join("");
  const secrets = ["k8Z!config/app.yaml", "Lamp9;config/app.yaml;Moth7", "--values=config/app.yaml --token=QuietMoose77zz", "LongSecretPartOne;config/app.yaml;LongSecretPartTwo"];
  it("is masked whole, the path with it, while a path quoted alone is kept", async () => {
    const repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\nfiles: ['apps/**', 'config/**']\npolicies:\n  paths: [policy/]\n",
      "policy/main.rego": policy,
      "config/app.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  annotations:\n    source: config/app.yaml\n",
      "apps/db.yaml": `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: "${secrets[0]}"\n  other: "${secrets[1]}"\n`,
      // Over the slice budget: its last value is matched only whole.
      "apps/many.yaml": `apiVersion: v1\nkind: Secret\nmetadata:\n  name: many\nstringData:\n${fillers}  last: "${secrets[3]}"\n`,
      "apps/web.yaml": `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\nspec:\n  source:\n    chart: web\n    helm:\n      valuesObject:\n        extraArgs: "${secrets[2]}"\n`,
    });
    try {
      const outputs = [];
      for (const format of formats) outputs.push(await runCli(["validate", "--repo", repo.dir, "--format", format]));
      const report = JSON.parse(outputs[formats.indexOf("json")]!.stdout) as Report;
      expect(report.findings.filter((f) => f.source === "policy").map((f) => `${f.path} ${f.message}`)).toEqual([
        "apps/db.yaml secret other is •••",
        "apps/db.yaml secret password is •••",
        "apps/many.yaml secret last is •••",
        "apps/web.yaml value extraArgs is •••",
        "config/app.yaml the settings are in config/app.yaml",
      ]);
      const all = outputs.map((o) => o.stdout + o.stderr).join("\n");
      for (const fragment of ["k8Z!", "Lamp9", "Moth7", "QuietMoose", "--values=", "LongSecretPartOne", "LongSecretPartTwo"]) expect(all).not.toContain(fragment);
    } finally {
      await repo.remove();
    }
  });

  it("named by a change-set policy as a path of no file, over the length a message repeats, is not repeated cut", async () => {
    const long = "L0ngV4lue".repeat(30);
    const repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\npolicies:\n  paths: [policy/changes.rego]\n",
      "policy/changes.rego": `package gitgate\n\nimport rego.v1\n\ndeny contains {"msg": "long", "path": c.after.spec.values.long} if {\n  some c in input.changes\n  c.after.kind == "HelmRelease"\n}\n`,
    });
    try {
      await repo.branch("pr", "main", { "apps/cache.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cache\nspec:\n  values:\n    long: ${long}\n` });
      const { report } = await checkJson(repo.dir, "pr");
      expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
        "error gitgate/deny :1:1 new long (the policy named a path of 270 characters, which is no file of this change)",
      ]);
      expectNoSlice(JSON.stringify(report), long);
    } finally {
      await repo.remove();
    }
  });
});
