import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { corpusDir, corpusPresent } from "../../bench/real-corpus.js";
import type { Report } from "../../src/engine/report.js";
import { createTestRepo, type Files, type TestRepo } from "../support/git-repo.js";
import { runCli } from "../support/run-cli.js";

// The whole CLI on the real-world corpus (../shared/corpus, beside the repository): every manifest
// file, strict built-in schemas and the bench's policy (bench/policy/main.rego), as `gitgate validate`
// judges the working tree and as `gitgate check` judges the same files added by a change. A speed-up
// that changes any verdict (a finding more or less, another rule, another severity) changes these
// counts and fails here.
const config = `version: 1
schemas:
  - files: "manifests/**"
    schema: kubernetes
policies:
  paths: [policy/]
`;

/**
 * `{ "error schema/type": 14, … }` from a report, with its summary, and a digest of where every
 * finding points (path, line, column, rule, severity): positions computed another way must agree.
 */
function countsOf(report: Report) {
  const rules: Record<string, number> = {};
  for (const f of report.findings) {
    const key = `${f.severity} ${f.rule}`;
    rules[key] = (rules[key] ?? 0) + 1;
  }
  const { errors, warnings, notices, documents, governedFiles } = report.summary;
  const where = report.findings.map((f) => `${f.path}:${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.severity} ${f.rule}`).join("\n");
  const digest = createHash("sha256").update(where).digest("hex").slice(0, 16);
  return { summary: { errors, warnings, notices, documents, governedFiles }, digest, rules: Object.fromEntries(Object.entries(rules).sort(([a], [b]) => a.localeCompare(b))) };
}

async function corpusFiles(): Promise<Files> {
  const entries = await readdir(corpusDir, { recursive: true, withFileTypes: true });
  const files: Files = {};
  for (const e of entries.filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name))) {
    const path = relative(corpusDir, join(e.parentPath, e.name));
    files[`manifests/${path}`] = await readFile(join(corpusDir, path));
  }
  return files;
}

const expected = {
  summary: { errors: 183, warnings: 322, notices: 448, documents: 1840, governedFiles: 1145 },
  digest: "057275c1995b45fe",
  rules: {
    "error main/deny": 41,
    "error schema/enum": 5,
    "error schema/format": 1,
    "error schema/oneOf": 4,
    "error schema/removed-api": 44,
    "error schema/required": 1,
    "error schema/type": 14,
    "error schema/unknown-field": 5,
    "error yaml/duplicate-key": 18,
    "error yaml/syntax": 50,
    "notice file/kustomize-patch": 17,
    "notice schema/unknown-kind": 431,
    "warning main/warn": 320,
    "warning schema/deprecated-api": 2,
  },
};

/**
 * `check` also renders the Kustomize roots the change adds: 18 of the corpus's kustomizations do not
 * render offline (remote bases, files outside the snapshot) and one names a remote base, each an error
 * on its kustomization. The patches of those that render are judged in what they render, not policed
 * one by one; the patches of those that do not are policed as written, as `validate` polices every patch
 * (no kustomization that renders nothing takes a file out of the policies' sight), so the policy's
 * warnings are the same as validate's.
 */
const expectedRendered = {
  summary: { ...expected.summary, errors: 202, warnings: 322 },
  digest: "6f06613a28485aa7",
  rules: { ...expected.rules, "error render/failed": 18, "error render/refused": 1 },
};

describe.skipIf(!corpusPresent)(`the CLI on the real-world corpus${corpusPresent ? "" : " (../shared/corpus is absent: skipped)"}`, () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createTestRepo({ ".github/gitgate.yml": config, "policy/main.rego": await readFile(new URL("../../bench/policy/main.rego", import.meta.url), "utf8") });
    await repo.commit("main", await corpusFiles());
  }, 120_000);
  afterAll(() => repo?.remove());

  it("validate: the same findings, rule by rule", { timeout: 300_000 }, async () => {
    const run = await runCli(["validate", "--repo", repo.dir, "--format", "json"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(1);
    expect(countsOf(JSON.parse(run.stdout) as Report)).toEqual(expected);
  });

  it("check: the same findings, rule by rule, for the corpus added by a change", { timeout: 300_000 }, async () => {
    const run = await runCli(["check", "--repo", repo.dir, "--base", "main~1", "--head", "main", "--format", "json"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(1);
    expect(countsOf(JSON.parse(run.stdout) as Report)).toEqual(expectedRendered);
  });
});
