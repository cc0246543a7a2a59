import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRepo, type Files, type TestRepo } from "../support/git-repo.js";
import { brief } from "../support/parse-text.js";
import { checkJson } from "../support/run-cli.js";

// Policies written the way most existing conftest libraries are: pre-1.0 Rego (`deny[msg] { … }`),
// helpers imported from data.lib.*, and lookup tables from --data files.
const v0Library = `package lib.kubernetes

is_deployment {
  input.kind == "Deployment"
}

name = input.metadata.name

containers[c] {
  c := input.spec.template.spec.containers[_]
}
`;
const v0Policy = `package main

import data.lib.kubernetes

deny[msg] {
  kubernetes.is_deployment
  c := kubernetes.containers[_]
  not allowed_registry(c.image)
  msg := sprintf("container %s pulls %s, outside the allowed registries", [c.name, c.image])
}

allowed_registry(image) {
  startswith(image, data.registries.allowed[_])
}

deny_owner[msg] {
  kubernetes.is_deployment
  not data.owners[kubernetes.name]
  msg := sprintf("Deployment %s has no owner in the owners data", [kubernetes.name])
}

warn[msg] {
  kubernetes.is_deployment
  input.spec.replicas < 2
  msg := sprintf("Deployment %s runs %d replica: run at least 2", [kubernetes.name, input.spec.replicas])
}

violation[{"msg": msg, "pointer": "/spec/template"}] {
  c := kubernetes.containers[_]
  endswith(c.image, ":latest")
  msg := sprintf("container %s uses the :latest tag", [c.name])
}

exception[rules] {
  kubernetes.name == "legacy"
  rules := ["owner"]
}
`;
// The same kind of helper in Rego v1, for a repository that mixes both.
const v1Policy = `package main

import data.lib.kubernetes

deny_probe contains msg if {
  kubernetes.is_deployment
  some c in kubernetes.containers
  not c.readinessProbe
  msg := sprintf("container %s has no readinessProbe", [c.name])
}
`;

const deployment = (name: string, replicas: number, image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  template:
    spec:
      containers:
        - name: app
          image: ${image}
`;

const registries = "registries:\n  allowed:\n    - registry.acme.example/\n";
const owners = '{\n  "owners": {\n    "web": "team-web"\n  }\n}\n';

async function withRepo(base: Files, head: Files, run: (repo: TestRepo) => Promise<void>): Promise<void> {
  const repo = await createTestRepo(base);
  try {
    await repo.branch("pr", "main", head);
    await run(repo);
  } finally {
    await repo.remove();
  }
}

const findingsOf = (report: Awaited<ReturnType<typeof checkJson>>["report"]) => report.findings.map((f) => `${brief(f)} ${f.message}`);

describe("a conftest library in pre-1.0 Rego with --data files", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\npolicies:\n  rego_version: v0\n  paths: [policy/]\n  data: [policy-data/, owners.json]\n",
      "policy/lib/kubernetes.rego": v0Library,
      "policy/main.rego": v0Policy,
      "policy-data/registries.yaml": registries,
      "owners.json": owners,
    });
    await repo.branch("pr", "main", {
      "k8s/web.yaml": deployment("web", 3, "registry.acme.example/web:1.4"),
      "k8s/api.yaml": deployment("api", 1, "docker.io/api:latest"),
      "k8s/legacy.yaml": deployment("legacy", 2, "registry.acme.example/legacy:2"),
    });
    await repo.branch("edit-data", "main", {
      "policy-data/registries.yaml": "registries:\n  allowed:\n    - docker.io/\n",
      "k8s/api.yaml": deployment("api", 2, "docker.io/api:1"),
    });
  });
  afterAll(() => repo.remove());

  it("runs deny, suffixed deny, warn, violation and exception unchanged, with data from policies.data", async () => {
    const { status, report } = await checkJson(repo.dir, "pr");
    expect(findingsOf(report)).toEqual([
      "error main/deny k8s/api.yaml:1:1 new container app pulls docker.io/api:latest, outside the allowed registries",
      "error main/deny_owner k8s/api.yaml:1:1 new Deployment api has no owner in the owners data",
      "error main/violation k8s/api.yaml:7:3 new container app uses the :latest tag",
      "warning main/warn k8s/api.yaml:1:1 new Deployment api runs 1 replica: run at least 2",
      "notice main/deny_owner k8s/legacy.yaml:1:1 new Deployment legacy has no owner in the owners data (waived by the policy's exception rule)",
    ]);
    expect(status).toBe(1);
    expect(Object.keys(report.controlPlane.digests).sort()).toEqual([".github/gitgate.yml", "owners.json", "policy-data/registries.yaml", "policy/lib/kubernetes.rego", "policy/main.rego"]);
  });

  it("judges a PR that edits a data file by the base data, and names the file as a control-plane change", async () => {
    const { report } = await checkJson(repo.dir, "edit-data");
    expect(report.findings.map((f) => f.rule)).toEqual(["main/deny", "main/deny_owner", "config/control-plane-change"]);
    expect(report.controlPlane.changed).toEqual(["policy-data/registries.yaml"]);
  });
});

describe("rego_version per policy path", () => {
  it("runs a v0 path and a v1 path of one repository together, the v1 policy importing the v0 library", async () => {
    await withRepo(
      {
        ".github/gitgate.yml": "version: 1\npolicies:\n  paths:\n    - path: conftest-lib/\n      rego_version: v0\n    - policy/\n  data: [policy-data/]\n",
        "conftest-lib/lib/kubernetes.rego": v0Library,
        "conftest-lib/main.rego": v0Policy,
        "policy/probes.rego": v1Policy,
        "policy-data/registries.yaml": registries,
        "policy-data/owners.json": owners,
      },
      { "k8s/web.yaml": deployment("web", 3, "docker.io/web:1") },
      async (repo) => {
        const { status, report } = await checkJson(repo.dir, "pr");
        expect(findingsOf(report)).toEqual([
          "error main/deny k8s/web.yaml:1:1 new container app pulls docker.io/web:1, outside the allowed registries",
          "error main/deny_probe k8s/web.yaml:1:1 new container app has no readinessProbe",
        ]);
        expect(status).toBe(1);
      },
    );
  });

  it("refuses v0 syntax in a v1 path on the .rego file and line, and says how to keep the file unchanged", async () => {
    await withRepo(
      { ".github/gitgate.yml": "version: 1\npolicies:\n  paths: [policy/]\n", "policy/lib/kubernetes.rego": v0Library, "policy/main.rego": v1Policy },
      { "k8s/web.yaml": deployment("web", 3, "docker.io/web:1") },
      async (repo) => {
        const { status, report } = await checkJson(repo.dir, "pr");
        expect(report.findings.map(brief)).toEqual([
          "error policy/compile policy/lib/kubernetes.rego:3:1 new",
          // OPA names both keywords a v0 partial set rule lacks: `contains` and `if`.
          "error policy/compile policy/lib/kubernetes.rego:9:1 new",
          "error policy/compile policy/lib/kubernetes.rego:9:1 new",
        ]);
        expect(report.findings[0]!.message).toBe(
          "Policy does not compile: rego_parse_error: `if` keyword is required before rule body (this is pre-1.0 Rego syntax, which OPA 1.0 refuses: " +
            "to run the file unchanged, give its policies.paths entry `rego_version: v0`, or set policies.rego_version: v0)",
        );
        expect(status).toBe(2);
      },
    );
  });

  it("reports a v0 policy that does not compile on its .rego file and line, also under a folder that starts with a dot", async () => {
    await withRepo(
      {
        ".github/gitgate.yml": "version: 1\npolicies:\n  rego_version: v0\n  paths: [.github/policy/]\n",
        ".github/policy/main.rego": "package main\n\ndeny[msg] {\n  input.kind == \"Deployment\"\n  msg := http.send({\"url\": \"https://example.com\"})\n}\n",
      },
      { "k8s/web.yaml": deployment("web", 3, "docker.io/web:1") },
      async (repo) => {
        const { status, report } = await checkJson(repo.dir, "pr");
        expect(findingsOf(report)).toEqual(["error policy/compile .github/policy/main.rego:5:1 new Policy does not compile: rego_type_error: undefined function http.send"]);
        expect(status).toBe(2);
      },
    );
  });
});

describe("policies.data problems are config errors on their file and line", () => {
  const base = (data: Files): Files => ({
    ".github/gitgate.yml": "version: 1\npolicies:\n  rego_version: v0\n  paths: [policy/]\n  data:\n    - policy-data/\n",
    "policy/lib/kubernetes.rego": v0Library,
    "policy/main.rego": v0Policy,
    ...data,
  });
  const head = { "k8s/web.yaml": deployment("web", 3, "registry.acme.example/web:1") };

  it("a data file that does not parse", async () => {
    await withRepo(base({ "policy-data/registries.yaml": "registries:\n  allowed: [registry.acme.example/\n", "policy-data/owners.json": "{\n  \"owners\": {,}\n}\n" }), head, async (repo) => {
      const { status, report } = await checkJson(repo.dir, "pr");
      expect(report.findings.map(brief)).toEqual(["error json/syntax policy-data/owners.json:2:14 new", "error yaml/syntax policy-data/registries.yaml:3:1 new"]);
      expect(status).toBe(2);
    });
  });

  it("two data files that set the same key", async () => {
    await withRepo(base({ "policy-data/registries.yaml": registries, "policy-data/z-more.yaml": "# more\nregistries:\n  allowed: [docker.io/]\n" }), head, async (repo) => {
      const { status, report } = await checkJson(repo.dir, "pr");
      expect(findingsOf(report)).toEqual([
        "error policy-data/conflict policy-data/z-more.yaml:3:3 new data.registries.allowed is also set by policy-data/registries.yaml: two data files may only share a key whose values are both mappings",
      ]);
      expect(status).toBe(2);
    });
  });

  it("a data file that is not a mapping, and a data path that holds no data file", async () => {
    await withRepo(
      {
        ...base({ "policy-data/list.yaml": "- registry.acme.example/\n" }),
        ".github/gitgate.yml": "version: 1\npolicies:\n  rego_version: v0\n  paths: [policy/]\n  data:\n    - policy-data/\n    - policy-dta/\n",
      },
      head,
      async (repo) => {
        const { status, report } = await checkJson(repo.dir, "pr");
        expect(findingsOf(report)).toEqual([
          'error config/policy-data .github/gitgate.yml:7:7 new policies.data: "policy-dta/" holds no .json, .yaml or .yml file at the base commit, so policies would run without the data they expect: fix the path or remove it',
          "error policy-data/invalid policy-data/list.yaml:1:1 new policy-data/list.yaml must be a mapping: its top-level keys become data.<key> for the policies",
        ]);
        expect(status).toBe(2);
      },
    );
  });

  it("data larger than the bound", async () => {
    // Each file is under the size any control-plane file may have; together they are over the data's bound.
    const half = (key: string) => `${key}: "${"x".repeat(2.5 * 1024 * 1024)}"\n`;
    await withRepo(base({ "policy-data/a.yaml": half("a"), "policy-data/b.yaml": half("b") }), head, async (repo) => {
      const { status, report } = await checkJson(repo.dir, "pr");
      expect(findingsOf(report)).toEqual([
        "error config/policy-data .github/gitgate.yml:6:7 new policies.data: the data files add up to more than 4 MiB (at policy-data/b.yaml): policy data is copied into every policy's memory, keep it to lookup tables",
      ]);
      expect(status).toBe(2);
    });
  });

  it("a data path outside the repository", async () => {
    await withRepo(
      { ...base({}), ".github/gitgate.yml": "version: 1\npolicies:\n  rego_version: v0\n  paths: [policy/]\n  data:\n    - ../secrets/\n" },
      head,
      async (repo) => {
        const { status, report } = await checkJson(repo.dir, "pr");
        expect(findingsOf(report)).toEqual(['error config/invalid .github/gitgate.yml:6:7 new policy data path "../secrets/" must be relative to the repository root, inside it']);
        expect(status).toBe(2);
      },
    );
  });
});
