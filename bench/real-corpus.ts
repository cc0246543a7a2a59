// Gitgate's verdicts on the real-world corpus in ../shared/corpus (beside the repository, never copied
// into it): shared by the kubeconform agreement script and the test that pins the corpus's counts.
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { ResolvedSchema } from "../src/config/load-control-plane.js";
import { evaluateFile } from "../src/engine/evaluate-file.js";
import type { DraftFinding } from "../src/engine/finding.js";
import { defaultParseLimits } from "../src/engine/parse/parse-limits.js";
import { newestKubernetesVersion } from "../src/engine/schema/api-deprecations.js";

export const corpusDir = fileURLToPath(new URL("../../shared/corpus/", import.meta.url));
export const corpusPresent = existsSync(corpusDir);

export interface JudgedFile {
  /** Relative to the corpus folder. */
  path: string;
  text: string;
  documents: { index: number; value: unknown }[];
  findings: DraftFinding[];
}

/** Every manifest file of the corpus, in a stable order. */
export async function corpusFiles(): Promise<string[]> {
  const entries = await readdir(corpusDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name))
    .map((e) => relative(corpusDir, join(e.parentPath, e.name)))
    .sort();
}

/** Judges every corpus file as `schema: kubernetes` with the given strictness, no policies. */
export async function judgeCorpus(options: { strict?: boolean; kubernetesVersion?: string } = {}): Promise<JudgedFile[]> {
  const schema: ResolvedSchema = {
    kind: "kubernetes",
    ...(options.strict !== undefined ? { strict: options.strict } : {}),
    kubernetesVersion: options.kubernetesVersion ?? newestKubernetesVersion,
    matches: () => true,
  };
  const judges = { schemas: [schema], documentPolicies: [], limits: defaultParseLimits, overrides: new Map() };
  const judged: JudgedFile[] = [];
  for (const path of await corpusFiles()) {
    const text = await readFile(join(corpusDir, path), "utf8");
    const evaluated = await evaluateFile(path, { kind: "text", text, size: Buffer.byteLength(text) }, judges);
    judged.push({ path, text, documents: evaluated.documents.map((d) => ({ index: d.index, value: d.value })), findings: evaluated.findings });
  }
  return judged;
}

/** `{ "error schema/unknown-field": 12, … }`: what a verdict-changing refactor would change. */
export function countFindings(files: readonly JudgedFile[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const finding of files.flatMap((f) => f.findings)) {
    const key = `${finding.severity} ${finding.rule}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
