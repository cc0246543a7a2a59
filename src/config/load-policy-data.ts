import type { DraftFinding, Span } from "../engine/finding.js";
import { joinPointer } from "../engine/parse/locate.js";
import type { GitgateConfig } from "./config-types.js";
import { readControlFile } from "./read-control-file.js";
import type { RepoReader } from "./repo-reader.js";

/**
 * Most a repository's policy data may weigh in all. The whole document is copied into every policy
 * instance's WebAssembly memory, so it is repository input that must stay small; lookup tables and
 * allow-lists are kilobytes.
 */
export const maxPolicyDataBytes = 4 * 1024 * 1024;

export interface LoadedPolicyData {
  data: Record<string, unknown>;
  findings: DraftFinding[];
}

const dataFile = /\.(?:json|ya?ml)$/i;

/**
 * Reads `policies.data` as conftest's `--data` does: every JSON or YAML file named, or found below a
 * folder named, is one document whose top-level keys are merged into `data`. Two files that set the
 * same key are merged when both values are mappings; any other overlap is an error on the second
 * file, because which one a policy would see is not something to guess.
 */
export async function loadPolicyData(config: GitgateConfig, reader: RepoReader, configPath: string): Promise<LoadedPolicyData> {
  const data: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const findings: DraftFinding[] = [];
  // Where each merged key was first set, so a conflict names both files.
  const owners = new Map<string, string>();
  let total = 0;
  const atConfig = (i: number, rule: string, message: string) =>
    findings.push({ severity: "error", rule, source: "config", path: configPath, ...(config.policies.dataAt[i] ?? config.policies.at), message });

  for (const [i, path] of config.policies.data.entries()) {
    const listed = await reader.list(path);
    const files = listed.filter((file) => dataFile.test(file));
    if (files.length === 0) {
      atConfig(i, "config/policy-data", `policies.data: "${path}" holds no .json, .yaml or .yml file at the base commit, so policies would run without the data they expect: fix the path or remove it`);
      continue;
    }
    for (const file of files) {
      const text = (await reader.read(file)) ?? "";
      total += Buffer.byteLength(text);
      if (total > maxPolicyDataBytes) {
        atConfig(i, "config/policy-data", `policies.data: the data files add up to more than ${maxPolicyDataBytes / (1024 * 1024)} MiB (at ${file}): policy data is copied into every policy's memory, keep it to lookup tables`);
        return { data: {}, findings };
      }
      const read = readControlFile(file, text, () => [], "policy-data");
      findings.push(...read.errors, ...read.warnings);
      if (!read.doc) continue;
      const value = read.doc.value;
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        read.fail("policy-data/invalid", `${file} must be a mapping: its top-level keys become data.<key> for the policies`);
        findings.push(...read.errors.slice(-1));
        continue;
      }
      const doc = read.doc;
      mergeInto(data, value as Record<string, unknown>, [], (at) => {
        const key = at.join(".");
        const span: Span = doc.locate(joinPointer(at), "key");
        findings.push({
          severity: "error", rule: "policy-data/conflict", source: "config", path: file, ...span, pointer: joinPointer(at),
          message: `data.${key} is also set by ${ownerOf(owners, at) ?? "another data file"}: two data files may only share a key whose values are both mappings`,
        });
      }, (at) => owners.set(at.join("."), file));
    }
  }
  return { data: findings.some((f) => f.severity === "error") ? {} : data, findings };
}

/** Deep-merges mappings; reports any other value set twice. Keys are data, so targets have no prototype. */
function mergeInto(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
  at: string[],
  conflict: (at: string[]) => void,
  owned: (at: string[]) => void,
): void {
  for (const [key, value] of Object.entries(source)) {
    const here = [...at, key];
    if (!Object.hasOwn(target, key)) {
      target[key] = isMapping(value) ? copyMapping(value) : value;
      owned(here);
      continue;
    }
    const existing = target[key];
    if (isMapping(existing) && isMapping(value)) mergeInto(existing, value, here, conflict, owned);
    else conflict(here);
  }
}

/** The file that set `at` or the mapping that holds it. */
function ownerOf(owners: ReadonlyMap<string, string>, at: readonly string[]): string | undefined {
  for (let n = at.length; n > 0; n--) {
    const owner = owners.get(at.slice(0, n).join("."));
    if (owner !== undefined) return owner;
  }
  return undefined;
}

function copyMapping(value: Record<string, unknown>): Record<string, unknown> {
  const copy = Object.create(null) as Record<string, unknown>;
  for (const [key, inner] of Object.entries(value)) copy[key] = isMapping(inner) ? copyMapping(inner) : inner;
  return copy;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
