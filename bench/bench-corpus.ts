// The documents `npm run bench` gives every tool: the manifests of the shared real-world corpus
// (../shared/corpus, beside the repository), once and as many copies as asked, in a temporary folder.
// Only manifest files (.yaml, .yml, .json) are copied, so every tool reads the same files; each copy
// is a repository of its own for `gitgate validate`, with its config and the bench's policy outside the
// folder the other tools are pointed at.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { corpusDir } from "./real-corpus.js";

/**
 * The manifests conftest can read. conftest stops at the first file it cannot parse (the corpus has
 * some with YAML syntax errors and duplicate keys) and judges nothing, so such files are left out for
 * every tool: each reads the same files. Found by running it, leaving out the file it names, again.
 */
export function conftestReadable(conftest: string, scratch: string, files: readonly string[]): string[] {
  const kept = new Set(files);
  const corpus = writeBenchCorpus(join(scratch, "probe"), 1, files);
  for (;;) {
    const run = spawnSync(conftest, ["test", "--no-color", "-p", corpus.policy, corpus.manifests], { maxBuffer: 256 * 1024 * 1024 });
    const unreadable = /parse configurations:.*path: (.+)$/m.exec(run.stderr.toString())?.[1]?.trim();
    if (!unreadable) {
      if (run.status !== 0 && run.status !== 1) throw new Error(`conftest failed: ${run.stderr.toString().slice(0, 2000)}`);
      return [...kept];
    }
    const file = relative(join(corpus.manifests, "copy-1"), unreadable);
    if (!kept.delete(file)) throw new Error(`conftest cannot read ${unreadable}, which is not a corpus file`);
    rmSync(unreadable);
  }
}

const policyFile = fileURLToPath(new URL("./policy/main.rego", import.meta.url));

export interface BenchCorpus {
  /** The repository `gitgate validate` runs in. */
  root: string;
  /** The folder of manifests, inside root, that kubeconform and conftest are pointed at. */
  manifests: string;
  /** The bench's policy folder, inside root (for Gitgate) and outside manifests (for conftest). */
  policy: string;
  /** Gitgate configs: strict built-in schemas, and the same with the bench's policy. */
  schemaConfig: string;
  policyConfig: string;
  files: number;
}

/** The corpus's manifest files, relative to it. */
export function corpusManifests(): string[] {
  return readdirSync(corpusDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name))
    .map((e) => relative(corpusDir, join(e.parentPath, e.name)))
    .sort();
}

/** Writes `copies` copies of these manifests of the corpus under `parent`. */
export function writeBenchCorpus(parent: string, copies: number, files: readonly string[]): BenchCorpus {
  const root = join(parent, `corpus-x${copies}`);
  const manifests = join(root, "manifests");
  for (let copy = 1; copy <= copies; copy++) {
    for (const file of files) {
      const target = join(manifests, `copy-${copy}`, file);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(join(corpusDir, file), target);
    }
  }
  const policy = join(root, "policy");
  mkdirSync(policy, { recursive: true });
  copyFileSync(policyFile, join(policy, "main.rego"));
  mkdirSync(join(root, ".github"), { recursive: true });
  // Strictness unset: unknown fields are errors and kinds without a schema are notices, as with
  // kubeconform -strict -ignore-missing-schemas.
  const schemas = `version: 1\nschemas:\n  - files: "manifests/**"\n    schema: kubernetes\n`;
  const schemaConfig = join(root, ".github/gitgate.yml");
  const policyConfig = join(root, ".github/gitgate-policy.yml");
  writeFileSync(schemaConfig, schemas);
  writeFileSync(policyConfig, `${schemas}policies:\n  paths: [policy/]\n`);
  const git = spawnSync("git", ["init", "-q"], { cwd: root });
  if (git.status !== 0) throw new Error(`git init failed: ${git.stderr.toString()}`);
  return { root, manifests, policy, schemaConfig, policyConfig, files: files.length * copies };
}
