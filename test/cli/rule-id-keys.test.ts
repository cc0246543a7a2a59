import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/engine/report.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";
import { brief } from "../support/parse-text.js";
import { runCli } from "../support/run-cli.js";

// Rule ids and config keys are untrusted text: ids that name properties every JavaScript object has
// must be looked up as plain strings, never reach Object.prototype.
const inheritedNames = ["valueOf", "__proto__", "constructor", "hasOwnProperty", "toString"];

// A policy's own rule id must look like one; `__proto__` does not, so the package's rule id stands in.
const validRuleId = /^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$/;
const reported = (rule: string) => (validRuleId.test(rule) ? rule : "main/deny");
const fallbackNote = (rule: string) => (validRuleId.test(rule) ? "" : " (the policy's rule id is not a valid rule id, so main/deny is used: letters, digits, \"-\", \"_\", \".\", \"/\", at most 64 characters)");

const policy = (rule: string) => `package main

import rego.v1

deny contains {"msg": "container runs privileged", "rule": ${JSON.stringify(rule)}, "pointer": "/spec/containers/0/securityContext/privileged"} if {
  some c in input.spec.containers
  c.securityContext.privileged
}
`;

const pod = `apiVersion: v1
kind: Pod
metadata:
  name: root
spec:
  containers:
    - name: app
      image: registry.example/app:1
      securityContext:
        privileged: true
`;

describe.each(inheritedNames)("a policy result with rule id %s while a rule override is set", (rule) => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({
      ".github/gitgate.yml": "version: 1\npolicies:\n  paths: [policy/]\n  rules:\n    k8s/probes: \"off\"\n",
      "policy/main.rego": policy(rule),
    });
    await repo.branch("pr", "main", { "k8s/pod.yaml": pod });
  });
  afterAll(() => repo.remove());

  const check = (format: string) => runCli(["check", "--repo", repo.dir, "--base", "main", "--head", "pr", "--format", format]);

  it("stays an error and fails the check in every format", async () => {
    const json = await check("json");
    expect(json.stderr).toBe("");
    const report = JSON.parse(json.stdout) as Report;
    expect(report.findings.map((f) => `${brief(f)} ${f.message}`)).toEqual([`error ${reported(rule)} k8s/pod.yaml:10:21 new container runs privileged${fallbackNote(rule)}`]);
    expect(report.conclusion).toBe("failure");
    expect(json.status).toBe(1);

    const text = await check("text");
    expect(text.stderr).toBe("");
    expect(text.stdout).toMatch(new RegExp(`10:21.*error.*container runs privileged.*${reported(rule)}`));
    expect(text.status).toBe(1);

    const markdown = await check("markdown");
    expect(markdown.stderr).toBe("");
    expect(markdown.stdout).toContain("container runs privileged");
    expect(markdown.status).toBe(1);

    const sarif = await check("sarif");
    expect(sarif.stderr).toBe("");
    const results = (JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string; level: string }[] }[] }).runs[0]!.results;
    expect(results.map((r) => `${r.level} ${r.ruleId}`)).toEqual([`error ${reported(rule)}`]);
    expect(sarif.status).toBe(1);
  });
});

describe.each(inheritedNames)("a rule override keyed %s", (rule) => {
  it("applies to that rule id only (a policy cannot claim an invalid one)", async () => {
    const repo = await createTestRepo({
      ".github/gitgate.yml": `version: 1\npolicies:\n  paths: [policy/]\n  rules:\n    ${JSON.stringify(rule)}: warning\n`,
      "policy/main.rego": policy(rule),
    });
    try {
      await repo.branch("pr", "main", { "k8s/pod.yaml": pod });
      const run = await runCli(["check", "--repo", repo.dir, "--base", "main", "--head", "pr", "--format", "json"]);
      expect(run.stderr).toBe("");
      const report = JSON.parse(run.stdout) as Report;
      const valid = validRuleId.test(rule);
      expect(report.findings.map(brief)).toEqual([valid ? `warning ${rule} k8s/pod.yaml:10:21 new` : "error main/deny k8s/pod.yaml:10:21 new"]);
      expect(run.status).toBe(valid ? 0 : 1);
    } finally {
      await repo.remove();
    }
  });
});
