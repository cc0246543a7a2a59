import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/engine/report.js";
import { buildExampleRepo, type ExampleRepo } from "../../src/examples/example-repo.js";
import { cachedOpaPath } from "../../src/opa/opa-binary.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { brief } from "../support/parse-text.js";
import { checkJson, runCli } from "../support/run-cli.js";


describe("built-in packs and repository policies on the bundled example", () => {
  let example: ExampleRepo;
  beforeAll(async () => {
    example = await buildExampleRepo();
  });
  afterAll(() => example.remove());

  it("reports each violation of the policy-violation PR on its line", async () => {
    const { status, report } = await checkJson(example.dir, "policy-violation");
    expect(status).toBe(1);
    expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
      'error gitops/argocd-self-heal argocd/web-production.yaml:18:5 new Application "web-production" does not set syncPolicy.automated.selfHeal: true, so changes made in the cluster are not reverted to what Git says',
      'error gitgate/deny clusters/production/web.yaml:16:13 new Deployment "web" drops from 4 to 1 replicas in one change: scale down by at most half',
      'error k8s/image-tag clusters/production/web.yaml:29:18 new container "web" uses the :latest tag: pin a version tag or a digest',
      'error k8s/privileged clusters/production/web.yaml:31:25 new container "web" runs privileged: it has full access to the node',
    ]);
    expect(report.findings[1]).toMatchObject({ source: "policy", document: 1, pointer: "/spec/replicas" });
  });
});

describe("policies through gitgate check", () => {
  const config = (extra = "") => `version: 1\npolicies:\n  paths: [policy/]\n${extra}`;
  // Written the way conftest's documentation writes policies (Rego v1).
  const conftestPolicy = `package main

import rego.v1

deny contains msg if {
  input.kind == "Deployment"
  not input.spec.template.spec.securityContext.runAsNonRoot
  msg := "Containers must not run as root"
}

deny_app_label contains msg if {
  input.kind == "Deployment"
  not input.spec.selector.matchLabels.app
  msg := "Containers must provide app label for pod selectors"
}

exception contains rules if {
  input.kind == "Deployment"
  input.metadata.name == "legacy"
  rules := ["app_label"]
}

warn contains {"msg": "replicas should be at least 2", "pointer": "/spec/replicas"} if {
  input.kind == "Deployment"
  input.spec.replicas < 2
}

violation contains {"msg": sprintf("image %s is not from our registry", [c.image]), "details": {"image": c.image}} if {
  some c in input.spec.template.spec.containers
  not startswith(c.image, "registry.acme.example/")
}

is_deployment(doc) if doc.kind == "Deployment"
`;
  const deployment = (name: string, replicas: number, image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      tier: web
  template:
    spec:
      containers:
        - name: app
          image: ${image}
`;
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": config(),
      "policy/main.rego": conftestPolicy,
      "k8s/web.yaml": "# placeholder\n",
    });
    await repo.branch("conftest", "main", {
      "k8s/web.yaml": deployment("web", 1, "registry.acme.example/web:1"),
      "k8s/legacy.yaml": deployment("legacy", 2, "docker.io/legacy:3"),
    });
    await repo.branch("weaken-policy", "main", {
      "policy/main.rego": "package main\n",
      "k8s/web.yaml": deployment("web", 1, "registry.acme.example/web:1"),
    });
  });
  afterAll(() => repo.remove());

  it("runs a conftest-style policy unchanged: deny, suffixed deny, warn, violation, exception", async () => {
    const { status, report } = await checkJson(repo.dir, "conftest");
    expect(status).toBe(1);
    expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
      "error main/deny k8s/legacy.yaml:1:1 new Containers must not run as root",
      "error main/violation k8s/legacy.yaml:1:1 new image docker.io/legacy:3 is not from our registry",
      "error main/deny k8s/web.yaml:1:1 new Containers must not run as root",
      "error main/deny_app_label k8s/web.yaml:1:1 new Containers must provide app label for pod selectors",
      "warning main/warn k8s/web.yaml:6:13 new replicas should be at least 2",
      "notice main/deny_app_label k8s/legacy.yaml:1:1 new Containers must provide app label for pod selectors (waived by the policy's exception rule)",
    ]);
  });

  // Rule heads and packages were found by regexes at the start of a line: an indented rule, a file whose
  // package line starts with a blank, and a boolean rule (conftest drops those) were never applied.
  it("applies indented rules, a package line after blanks and boolean rules; a deny-named local is no rule", async () => {
    const odd = await createTestRepo({
      ".github/gitgate.yml": config(),
      "policy/indented.rego": 'package main\n\nimport rego.v1\n\n  deny_configmap contains msg if {\n    input.kind == "ConfigMap"\n    deny_local := "ConfigMaps are forbidden"\n    msg := deny_local\n  }\n',
      "policy/blank.rego": ' package main\n\nimport rego.v1\n\nwarn_blank contains "from a file whose package line starts with a blank" if input.kind == "ConfigMap"\n',
      "policy/boolean.rego": 'package main\n\nimport rego.v1\n\ndefault deny_boolean := false\n\ndeny_boolean if input.kind == "ConfigMap"\n\ndefault deny_never := false\n',
      "k8s/c.yaml": "# placeholder\n",
    });
    try {
      await odd.branch("cm", "main", { "k8s/c.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n" });
      const { status, report } = await checkJson(odd.dir, "cm");
      expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
        "error main/deny_boolean k8s/c.yaml:1:1 new deny_boolean is true (a boolean rule: write `deny_boolean contains msg if { … }` to give the reason)",
        "error main/deny_configmap k8s/c.yaml:1:1 new ConfigMaps are forbidden",
        "warning main/warn_blank k8s/c.yaml:1:1 new from a file whose package line starts with a blank",
      ]);
      expect(status).toBe(1);
    } finally {
      await odd.remove();
    }
  });

  it("judges a PR that edits a repository policy by the base policy", async () => {
    const { report } = await checkJson(repo.dir, "weaken-policy");
    expect(report.findings.map((f) => f.rule)).toEqual(["main/deny", "main/deny_app_label", "main/warn", "config/control-plane-change"]);
    expect(report.controlPlane.changed).toEqual(["policy/main.rego"]);
  });

  it("turns a policy that does not compile into a config error on the .rego file and line", async () => {
    const broken = await createTestRepo({
      ".github/gitgate.yml": config(),
      "policy/main.rego": "package main\n\nimport rego.v1\n\ndeny contains msg if {\n  msg := http.send({\"url\": \"https://example.com\"})\n}\n",
    });
    try {
      await broken.branch("pr", "main", { "a.yaml": "a: 1\n" });
      const { status, report } = await checkJson(broken.dir, "pr");
      expect(status).toBe(2);
      expect(report.findings.map(brief)).toEqual(["error policy/compile policy/main.rego:6:1 new"]);
      expect(report.findings[0]!.message).toBe("Policy does not compile: rego_type_error: undefined function http.send");
    } finally {
      await broken.remove();
    }
  });

  it("fails on a policy path that holds no Rego at the base, on that path's line, instead of silently running nothing", async () => {
    const moved = await createTestRepo({
      ".github/gitgate.yml": "version: 1\npolicies:\n  paths:\n    - policy/\n    - polcy/\n",
      "policy/main.rego": conftestPolicy,
    });
    try {
      await moved.branch("pr", "main", { "k8s/web.yaml": deployment("web", 1, "registry.acme.example/web:1") });
      const { status, report } = await checkJson(moved.dir, "pr");
      expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
        'error config/policy-path .github/gitgate.yml:5:7 new policies.paths: "polcy/" holds no .rego files at the base commit, so its policies cannot run: fix the path or remove it',
        // The policies that do exist still run.
        "error main/deny k8s/web.yaml:1:1 new Containers must not run as root",
        "error main/deny_app_label k8s/web.yaml:1:1 new Containers must provide app label for pod selectors",
        "warning main/warn k8s/web.yaml:6:13 new replicas should be at least 2",
      ]);
      expect(status).toBe(2);
    } finally {
      await moved.remove();
    }
  });

  it("fails when the policy paths hold no package it would run", async () => {
    const renamed = await createTestRepo({
      ".github/gitgate.yml": config(),
      "policy/main.rego": conftestPolicy.replace("package main", "package acme"),
    });
    try {
      await renamed.branch("pr", "main", { "k8s/web.yaml": deployment("web", 1, "registry.acme.example/web:1") });
      const { status, report } = await checkJson(renamed.dir, "pr");
      expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
        "error config/policy-path .github/gitgate.yml:2:1 new policies.paths hold no package named main, gitgate: none of their policies would run",
      ]);
      expect(status).toBe(2);
    } finally {
      await renamed.remove();
    }
  });

  it("stops a policy that runs forever and reports it, failing closed", async () => {
    // Iterates over one array without allocating, so it can only be stopped by the clock, never by the
    // memory bound, however fast the machine.
    const forever = `package main

import rego.v1

deny contains input.stop if {
  input.spin
  xs := numbers.range(1, 5000)
  some a in xs
  some b in xs
  some c in xs
  c == input.stop
}
`;
    const slow = await createTestRepo({ ".github/gitgate.yml": config("limits:\n  policy_timeout_ms: 300\n"), "policy/main.rego": forever });
    try {
      await slow.branch("pr", "main", { "a.yaml": "spin: true\nstop: never\n", "b.yaml": "spin: false\n" });
      const { status, report } = await checkJson(slow.dir, "pr");
      expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
        "error policy/timeout a.yaml:1:1 new Policy main could not be evaluated: rule deny: evaluation did not finish within 300 ms and was stopped.",
      ]);
      expect(status).toBe(1);
    } finally {
      await slow.remove();
    }
  });

  it("bounds a policy's memory and reports the overflow", async () => {
    const hungry = "package main\n\nimport rego.v1\n\ndeny contains msg if {\n  count(numbers.range(1, 100000000)) > 0\n  msg := \"never\"\n}\n";
    const memory = await createTestRepo({ ".github/gitgate.yml": config("limits:\n  policy_memory_mib: 8\n"), "policy/main.rego": hungry });
    try {
      await memory.branch("pr", "main", { "a.yaml": "a: 1\n" });
      const { status, report } = await checkJson(memory.dir, "pr");
      expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
        "error policy/memory a.yaml:1:1 new Policy main could not be evaluated: rule deny: it needed more than the 8 MiB it may use (limits.policy_memory_mib, at most a quarter of the server's GITGATE_EVALUATION_MEMORY_MIB).",
      ]);
      expect(status).toBe(1);
    } finally {
      await memory.remove();
    }
  });

  // The repository set 1,024 MiB: a policy took 1.1 GB of the server against an operator's 128 MiB bound.
  it("caps a repository's policy memory at a quarter of the operator's evaluation bound", async () => {
    const hungry = "package main\n\nimport rego.v1\n\ndeny contains msg if {\n  count(numbers.range(1, 100000000)) > 0\n  msg := \"never\"\n}\n";
    const memory = await createTestRepo({ ".github/gitgate.yml": config("limits:\n  policy_memory_mib: 1024\n"), "policy/main.rego": hungry });
    const bound = process.env.GITGATE_EVALUATION_MEMORY_MIB;
    process.env.GITGATE_EVALUATION_MEMORY_MIB = "128";
    try {
      await memory.branch("pr", "main", { "a.yaml": "a: 1\n" });
      const { report } = await checkJson(memory.dir, "pr");
      expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
        "error policy/memory a.yaml:1:1 new Policy main could not be evaluated: rule deny: it needed more than the 32 MiB it may use (limits.policy_memory_mib, at most a quarter of the server's GITGATE_EVALUATION_MEMORY_MIB).",
      ]);
    } finally {
      restoreEnv("GITGATE_EVALUATION_MEMORY_MIB", bound);
      await memory.remove();
    }
  });

  // OPA keeps a policy's constants in the memory it starts with: 3 MiB of text needs 50 pages.
  const bigConstants = `package main

import rego.v1

table := concat("", ["${"x".repeat(3 * 1024 * 1024)}"])

deny contains "the table is loaded" if {
  count(table) > 0
  input.a == 1
}
`;

  it("starts a policy whose constants need more than the SDK's default memory", async () => {
    const large = await createTestRepo({ ".github/gitgate.yml": config(), "policy/main.rego": bigConstants });
    try {
      await large.branch("pr", "main", { "a.yaml": "a: 1\n" });
      const { status, report } = await checkJson(large.dir, "pr");
      expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual(["error main/deny a.yaml:1:1 new the table is loaded"]);
      expect(status).toBe(1);
    } finally {
      await large.remove();
    }
  });

  it("reports a policy that needs more memory to start than the limit allows as policy/memory on the config", async () => {
    const large = await createTestRepo({ ".github/gitgate.yml": config("limits:\n  policy_memory_mib: 2\n"), "policy/main.rego": bigConstants });
    try {
      await large.branch("pr", "main", { "a.yaml": "a: 1\n" });
      const { status, report } = await checkJson(large.dir, "pr");
      expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
        "error policy/memory .github/gitgate.yml:2:1 new Policies main need 3.2 MiB of memory to start, more than the 2 MiB limits.policy_memory_mib allows: raise the limit or make the policies smaller.",
      ]);
      expect(status).toBe(2);
    } finally {
      await large.remove();
    }
  });

  it("stops compiling a policy with ten thousand rules at the compile bound and fails closed", async () => {
    const rules = Array.from({ length: 10_000 }, (_, i) => `deny_r${i} contains "rule ${i}" if input.metadata.name == "n${i}"\n`).join("\n");
    const huge = await createTestRepo({ ".github/gitgate.yml": config(), "policy/main.rego": `package main\n\nimport rego.v1\n\n${rules}` });
    // A fresh compile cache, so no earlier run's result can stand in for the compiler; and a bound far
    // below what ten thousand entrypoints take to build (minutes) but far above a normal policy's.
    const cache = await mkdtemp(join(tmpdir(), "gitgate-cache-"));
    const saved = { timeout: process.env.GITGATE_POLICY_COMPILE_TIMEOUT_MS, cache: process.env.GITGATE_CACHE_DIR };
    process.env.GITGATE_POLICY_COMPILE_TIMEOUT_MS = "1000";
    process.env.GITGATE_CACHE_DIR = cache;
    try {
      await huge.branch("pr", "main", { "k8s/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: n1\n" });
      const { status, report } = await checkJson(huge.dir, "pr");
      expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
        "error policy/compile-timeout .github/gitgate.yml:2:1 new Policies main could not be compiled: opa build did not finish within 1 s and was stopped. They are too large or too complex to run: split or simplify them.",
      ]);
      expect(status).toBe(2);
    } finally {
      restoreEnv("GITGATE_POLICY_COMPILE_TIMEOUT_MS", saved.timeout);
      restoreEnv("GITGATE_CACHE_DIR", saved.cache);
      await rm(cache, { recursive: true, force: true });
      await huge.remove();
    }
  });
});

describe("the OPA compiler", () => {
  it("is asked for its version and language once per binary: a policy compiled before runs without starting it", async () => {
    const repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\npolicies:\n  paths: [policy/]\n",
      "policy/main.rego": 'package main\n\nimport rego.v1\n\ndeny contains "no pods" if input.kind == "Pod"\n',
      "k8s/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n",
    });
    // OPA behind a script that logs what it is asked, then runs the real compiler.
    const work = await mkdtemp(join(tmpdir(), "gitgate-opa-"));
    const opa = join(work, "opa");
    const log = join(work, "calls.log");
    const real = process.env.GITGATE_OPA ?? cachedOpaPath;
    const wrapper = (note: string) => `#!/bin/sh\n# ${note}\necho "$1" >> "${log}"\nexec "${real}" "$@"\n`;
    await writeFile(opa, wrapper("first"), { mode: 0o755 });
    const saved = { opa: process.env.GITGATE_OPA, cache: process.env.GITGATE_CACHE_DIR };
    process.env.GITGATE_OPA = opa;
    process.env.GITGATE_CACHE_DIR = join(work, "cache");
    const calls = async () => (await readFile(log, "utf8").catch(() => "")).split("\n").filter(Boolean);
    const validate = async () => {
      const run = await runCli(["validate", "--repo", repo.dir, "--format", "json", join(repo.dir, "k8s/pod.yaml")]);
      if (!run.stdout) throw new Error(run.stderr);
      return { status: run.status, denied: (JSON.parse(run.stdout) as Report).findings.map((f) => f.message) };
    };
    try {
      expect(await validate()).toEqual({ status: 1, denied: ["no pods"] });
      expect(await calls()).toEqual(["version", "capabilities", "build"]);
      expect(await validate()).toEqual({ status: 1, denied: ["no pods"] });
      expect(await calls()).toEqual(["version", "capabilities", "build"]);
      // Another binary at the same path (an update) is asked again; the same compiler's policy is not rebuilt.
      await writeFile(opa, wrapper("an updated one"), { mode: 0o755 });
      expect(await validate()).toEqual({ status: 1, denied: ["no pods"] });
      expect(await calls()).toEqual(["version", "capabilities", "build", "version", "capabilities"]);
    } finally {
      restoreEnv("GITGATE_OPA", saved.opa);
      restoreEnv("GITGATE_CACHE_DIR", saved.cache);
      await rm(work, { recursive: true, force: true });
      await repo.remove();
    }
  });
});

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

describe("change-set policies", () => {
  const policy = `package gitgate

import rego.v1

deny contains {"msg": sprintf("%s may not change prod namespaces", [input.pull_request.author]), "path": c.path, "index": c.index, "pointer": "/metadata/namespace"} if {
  some c in input.changes
  c.after.metadata.namespace == "prod"
  input.pull_request.author != "platform-bot"
}

warn contains {"msg": sprintf("%d objects removed", [count(removed)])} if {
  removed := [c | some c in input.changes; c.status == "removed"]
  count(removed) > 0
}
`;
  it("sees who changed what, places results by pointer, and reports change-wide results without a path", async () => {
    const repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\npolicies:\n  paths: [policy/changes.rego]\n",
      "policy/changes.rego": policy,
      "k8s/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: dev\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: dev\n",
    });
    try {
      await repo.branch("pr", "main", {
        "k8s/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: prod\n",
      });
      const { report } = await checkJson(repo.dir, "pr");
      expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([
        "error gitgate/deny k8s/cm.yaml:5:14 new Test may not change prod namespaces",
        "warning gitgate/warn :1:1 new 2 objects removed",
      ]);
    } finally {
      await repo.remove();
    }
  });
});
