import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { brief } from "../support/parse-text.js";
import { checkJson } from "../support/run-cli.js";

// Kubernetes manifests are read as kubectl, Argo CD and Flux read them (go-yaml v2, YAML 1.1): what the
// schemas and policies judge is what the cluster would receive.
const pod = (privileged: string) => `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
      securityContext:
        privileged: ${privileged}
        runAsNonRoot: true
      resources:
        limits: { cpu: 500m, memory: 256Mi }
        requests: { cpu: 100m, memory: 128Mi }
`;

// A repository policy that prints the value it sees, so the test reads what the policy was given.
const seesPolicy = `package main

import rego.v1

warn contains msg if {
  input.kind == "Pod"
  some c in input.spec.containers
  msg := sprintf("privileged is %v (%s)", [c.securityContext.privileged, type_name(c.securityContext.privileged)])
}

warn contains msg if {
  input.kind == "Settings"
  msg := json.marshal(input.spec)
}
`;

describe("Kubernetes manifests read with YAML 1.1, as the cluster gets them", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\nschemas:\n  - files: k8s/**\n    schema: kubernetes\npolicies:\n  builtin: [kubernetes]\n  paths: [policy/]\n",
      "policy/main.rego": seesPolicy,
      "README.md": "x\n",
    });
    await repo.branch("privileged-yes", "main", { "k8s/pod.yaml": pod("yes") });
    await repo.branch("privileged-quoted", "main", { "k8s/pod.yaml": pod('"yes"') });
    await repo.branch("not-a-manifest", "main", { "ci/settings.yaml": "enabled: yes\non: push\n", "k8s/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n" });
    await repo.branch("merge-keys", "main", {
      "k8s/cm.yaml": [
        "apiVersion: v1",
        "kind: ConfigMap",
        "metadata:",
        "  name: settings",
        "  labels: &labels",
        "    app: web",
        "    tier: front",
        "  annotations:",
        "    <<: *labels",
        "    note: kept",
        "data:",
        "  tier: back",
        "  <<: *labels",
        "",
      ].join("\n"),
    });
    // The comment hides the rest of its line from YAML 1.2 readers; go-yaml starts a new line at each of these.
    await repo.branch("hidden-line", "main", {
      "k8s/cr.yaml": pod("false").replace("privileged: false", "readOnlyRootFilesystem: true # hardened\r        privileged: true"),
      "k8s/ls.yaml": pod("false").replace("privileged: false", "readOnlyRootFilesystem: true # hardened\u2028        privileged: true"),
    });
    // kubectl applies a list's items one by one: the policies judge each item, lists in lists too.
    const item = (indent: string) => pod("true").trimEnd().split("\n").map((line, i) => `${i === 0 ? "- " : "  "}${line}`).map((line) => indent + line).join("\n");
    await repo.branch("lists", "main", {
      "k8s/list.yaml": `apiVersion: v1\nkind: List\nitems:\n${item("  ")}\n  - apiVersion: v1\n    kind: List\n    items:\n${item("      ")}\n`,
      "k8s/podlist.yaml": `apiVersion: v1\nkind: PodList\nitems:\n${item("  ")}\n`,
      // kubectl reads any object with items as a list, whatever its kind; the Pod is judged as itself too.
      "k8s/pod-with-items.yaml": pod("true").replace("spec:", "items: []\nspec:"),
      "k8s/bundle.yaml": `apiVersion: acme.example.com/v1\nkind: Bundle\nitems:\n${item("  ").replace("runAsNonRoot", "runAsNonRot")}\n`,
    });
    await repo.branch("numbers", "main", {
      "k8s/settings.yaml": "apiVersion: example.com/v1\nkind: Settings\nspec:\n  mode: 0755\n  hex: 0x1F\n  time: 1:30\n  date: 2024-01-01\n  big: 1_000\n",
    });
  });
  afterAll(() => repo.remove());

  it("catches `privileged: yes` with the built-in k8s/privileged rule on its line, and a repository policy sees true", async () => {
    const { status, report } = await checkJson(repo.dir, "privileged-yes");
    expect(status).toBe(1);
    expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
      'error k8s/privileged k8s/pod.yaml:10:21 new container "web" runs privileged: it has full access to the node',
      "warning main/warn k8s/pod.yaml:1:1 new privileged is true (boolean)",
      "warning yaml/yaml11-boolean k8s/pod.yaml:10:21 new `yes` is read as the boolean true by kubectl, Argo CD and Flux; quote it if you mean the string.",
    ]);
  });

  it("keeps a quoted \"yes\" a string: the schema refuses it for a boolean field, and no YAML 1.1 warning", async () => {
    const { report } = await checkJson(repo.dir, "privileged-quoted");
    expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
      "error schema/type k8s/pod.yaml:10:21 new spec.containers[0].securityContext.privileged must be a boolean (Kubernetes v1 Pod)",
      "warning main/warn k8s/pod.yaml:1:1 new privileged is yes (string)",
    ]);
  });

  it("reads files that are not manifests as YAML 1.2, with the warning saying what YAML 1.1 tools would read", async () => {
    const { report } = await checkJson(repo.dir, "not-a-manifest");
    expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
      `warning yaml/yaml11-boolean ci/settings.yaml:1:10 new Unquoted 'yes' is a string in YAML 1.2 but a boolean to YAML 1.1 readers such as kubectl and Helm. Quote it ("yes") or write true/false.`,
    ]);
  });

  it("resolves merge keys as kubectl does, and refuses one that overrides a key written above it", async () => {
    const { status, report } = await checkJson(repo.dir, "merge-keys");
    expect(status).toBe(1);
    expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
      "error yaml/merge-key k8s/cm.yaml:13:3 new '<<' merges `tier`, which this map already sets above it: kubectl, Argo CD and Flux (go-yaml v2) " +
        "take the merged value, other YAML readers keep the one written here. Put the '<<' line first, above the keys that override it.",
      "warning yaml/merge-key k8s/cm.yaml:9:5 new '<<' merge key: merged as kubectl, Argo CD and Flux merge it (YAML 1.1); YAML 1.2 tools read it as a plain key. Writing the keys out is clearer.",
    ]);
  });

  it("judges every item of a list with the policies, as kubectl applies them, on the item's lines", async () => {
    const { status, report } = await checkJson(repo.dir, "lists");
    expect(status).toBe(1);
    // A made-up list kind has no schema of its own: its items are validated by theirs.
    // kustomize applies a Bundle itself, which no schema knows.
    expect(report.findings.filter((f) => f.path === "k8s/bundle.yaml" && f.source === "schema").map(brief)).toEqual([
      "error schema/unknown-field k8s/bundle.yaml:14:13 new",
      "notice schema/unknown-kind k8s/bundle.yaml:2:7 new",
    ]);
    expect(report.findings.filter((f) => f.source === "policy").map((f) => `${brief(f)} ${f.pointer ?? ""}`)).toEqual([
      "error k8s/run-as-non-root k8s/bundle.yaml:10:11 new /items/0/spec/containers/0",
      "error k8s/privileged k8s/bundle.yaml:13:25 new /items/0/spec/containers/0/securityContext/privileged",
      "error k8s/privileged k8s/list.yaml:13:25 new /items/0/spec/containers/0/securityContext/privileged",
      "error k8s/privileged k8s/list.yaml:30:29 new /items/1/items/0/spec/containers/0/securityContext/privileged",
      "error k8s/privileged k8s/pod-with-items.yaml:11:21 new /spec/containers/0/securityContext/privileged",
      "error k8s/privileged k8s/podlist.yaml:13:25 new /items/0/spec/containers/0/securityContext/privileged",
      "warning main/warn k8s/bundle.yaml:4:5 new ",
      "warning main/warn k8s/list.yaml:4:5 new ",
      "warning main/warn k8s/list.yaml:21:9 new ",
      "warning main/warn k8s/pod-with-items.yaml:1:1 new ",
      "warning main/warn k8s/podlist.yaml:4:5 new ",
    ]);
  });

  it("refuses a line break only some readers see (a lone CR, U+2028), which can hide a key in a comment", async () => {
    const { status, report } = await checkJson(repo.dir, "hidden-line");
    expect(status).toBe(1);
    expect(report.findings.filter((f) => f.rule === "yaml/line-break").map(brief)).toEqual([
      "error yaml/line-break k8s/cr.yaml:10:48 new",
      "error yaml/line-break k8s/ls.yaml:10:48 new",
    ]);
    expect(report.findings.find((f) => f.path === "k8s/ls.yaml")!.message).toContain("U+2028");
  });

  it("reads numbers as go-yaml v2 does: 0755 octal, hex, underscores; 1:30 and dates stay strings", async () => {
    const { report } = await checkJson(repo.dir, "numbers");
    expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
      'warning main/warn k8s/settings.yaml:1:1 new {"hex":31,"mode":493,"date":"2024-01-01","time":"1:30","big":1000}',
      "notice schema/unknown-kind k8s/settings.yaml:2:7 new No built-in schema for example.com/v1 Settings: not validated.",
    ]);
  });
});

describe("yaml_version in the config", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({
      // Unquoted, 1.2 is a number in the config: both spellings are accepted.
      ".github/gitgate.yml": "version: 1\nyaml_version: 1.2\nschemas:\n  - files: legacy/**\n    schema: kubernetes\n    yaml_version: \"1.1\"\npolicies:\n  paths: [policy/]\n",
      "policy/main.rego": seesPolicy,
    });
    await repo.branch("pr", "main", { "k8s/pod.yaml": pod("yes"), "legacy/pod.yaml": pod("on") });
  });
  afterAll(() => repo.remove());

  it("reads every file as YAML 1.2 when told to, except where a schemas rule says otherwise", async () => {
    const { report } = await checkJson(repo.dir, "pr");
    expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
      "warning main/warn k8s/pod.yaml:1:1 new privileged is yes (string)",
      `warning yaml/yaml11-boolean k8s/pod.yaml:10:21 new Unquoted 'yes' is a string in YAML 1.2 but a boolean to YAML 1.1 readers such as kubectl and Helm. Quote it ("yes") or write true/false.`,
      "warning main/warn legacy/pod.yaml:1:1 new privileged is true (boolean)",
      "warning yaml/yaml11-boolean legacy/pod.yaml:10:21 new `on` is read as the boolean true by kubectl, Argo CD and Flux; quote it if you mean the string.",
    ]);
  });
});
