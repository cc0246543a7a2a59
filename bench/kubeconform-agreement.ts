// `npx tsx bench/kubeconform-agreement.ts`: runs Gitgate (schema: kubernetes, default strictness) and
// kubeconform -strict on the real-world corpus in ../shared/corpus and prints, per document, whether
// they agree that it is valid, invalid or unjudged, then every class of disagreement with examples.
// kubeconform is built with Go once (pinned); its schemas are the Kubernetes ones the PyPI package
// kubernetes-validate ships, downloaded once with pip: nothing is fetched at run time.
import { spawnSync } from "node:child_process";
import { kubeconformBinary, kubeconformSchemaLocation, kubeconformVersion } from "./go-tools.js";
import { newestKubernetesVersion } from "../src/engine/schema/api-deprecations.js";
import { corpusDir, corpusPresent, judgeCorpus, type JudgedFile } from "./real-corpus.js";

type Verdict = "valid" | "invalid" | "unjudged";

interface KubeconformResult {
  filename: string;
  kind: string;
  name: string;
  version: string;
  /** Empty for an empty document. */
  status: "statusValid" | "statusInvalid" | "statusError" | "statusSkipped" | "";
  msg: string;
  validationErrors?: { path: string; msg: string }[];
}

function runKubeconform(version: string): KubeconformResult[] {
  const kubeconform = kubeconformBinary();
  const run = spawnSync(
    kubeconform,
    ["-strict", "-ignore-missing-schemas", "-verbose", "-output", "json", "-n", "2", "-schema-location", kubeconformSchemaLocation(version), "."],
    { cwd: corpusDir, maxBuffer: 256 * 1024 * 1024 },
  );
  if (run.status !== 0 && run.status !== 1) throw new Error(`kubeconform failed: ${run.stderr.toString()}`);
  return (JSON.parse(run.stdout.toString()) as { resources: KubeconformResult[] }).resources;
}

/** One Kubernetes object as Gitgate saw it: a document, or an item of a v1 List. */
interface GitgateObject {
  file: string;
  key: string;
  verdict: Verdict;
  rules: string[];
}

function gitgateObjects(files: readonly JudgedFile[]): GitgateObject[] {
  const objects: GitgateObject[] = [];
  for (const file of files) {
    const fileErrors = file.findings.filter((f) => f.document === undefined && f.severity === "error");
    for (const doc of file.documents) {
      const value = doc.value as Record<string, unknown> | null;
      if (value === null || typeof value !== "object") continue; // empty documents: kubeconform skips them too
      const inDoc = file.findings.filter((f) => f.document === doc.index);
      const list = value.apiVersion === "v1" && value.kind === "List" && Array.isArray(value.items) ? (value.items as unknown[]) : undefined;
      const parts = list ? list.map((item, i) => ({ item, prefix: `/items/${i}` })) : [{ item: value, prefix: "" }];
      for (const { item, prefix } of parts) {
        const findings = inDoc.filter((f) => !prefix || (f.pointer ?? "").startsWith(prefix + "/") || f.pointer === prefix);
        const errors = [...fileErrors, ...findings.filter((f) => f.severity === "error")];
        const verdict: Verdict = errors.length > 0 ? "invalid" : findings.some((f) => f.rule === "schema/unknown-kind") ? "unjudged" : "valid";
        objects.push({ file: file.path, key: objectKey(file.path, item), verdict, rules: [...new Set(errors.map((f) => f.rule))].sort() });
      }
    }
    if (file.documents.length === 0 && fileErrors.length > 0) {
      objects.push({ file: file.path, key: `${file.path} (unparsed)`, verdict: "invalid", rules: [...new Set(fileErrors.map((f) => f.rule))].sort() });
    }
  }
  return objects;
}

function objectKey(file: string, item: unknown): string {
  const v = (item ?? {}) as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; generateName?: unknown } };
  // kubeconform names an object that only has a generateName after it, with a placeholder.
  const name = v.metadata?.name ?? (v.metadata?.generateName !== undefined ? `${String(v.metadata.generateName)}{{ generateName }}` : "");
  return `${file} ${String(v.apiVersion ?? "")} ${String(v.kind ?? "")} ${String(name)}`;
}

function kubeconformVerdict(result: KubeconformResult): Verdict {
  if (result.status === "statusValid") return "valid";
  if (result.status === "statusSkipped") return "unjudged";
  return "invalid";
}

/** A short name for why kubeconform rejected a document, to group disagreements. */
function kubeconformReason(result: KubeconformResult): string {
  if (result.status === "statusError") return result.msg.replace(/line \d+/g, "line N").replace(/"[^"]*"/g, '"…"').slice(0, 80);
  const messages = (result.validationErrors ?? []).map((e) => e.msg.replace(/'[^']*'/g, "'…'").replace(/\d+/g, "N"));
  return [...new Set(messages)].sort().join("; ").slice(0, 120);
}

if (!corpusPresent) {
  console.error(`No corpus at ${corpusDir}: nothing to compare.`);
  process.exit(2);
}
const version = process.env.KUBERNETES_VERSION ?? newestKubernetesVersion;
const kubeconform = runKubeconform(version);
const gitgate = gitgateObjects(await judgeCorpus({ kubernetesVersion: version }));

// Pair the two sides by file, apiVersion, kind and name; several objects of one key pair in order.
// A document kubeconform could not parse has no kind or name: it pairs with an object of its file.
const pending = new Map<string, KubeconformResult[]>();
const unparsed = new Map<string, KubeconformResult[]>();
for (const result of kubeconform) {
  if (result.status === "") continue; // empty documents, which Gitgate skips too
  const file = result.filename.replace(/^\.\//, "");
  const [map, key] = result.kind ? [pending, `${file} ${result.version} ${result.kind} ${result.name}`] : [unparsed, file];
  map.set(key, [...(map.get(key) ?? []), result]);
}
const classes = new Map<string, string[]>();
let agree = 0;
let compared = 0;
const unpaired: string[] = [];
for (const object of gitgate) {
  const result = pending.get(object.key)?.shift() ?? unparsed.get(object.file)?.shift();
  if (!result) {
    unpaired.push(object.key);
    continue;
  }
  compared++;
  const theirs = kubeconformVerdict(result);
  if (theirs === object.verdict) {
    agree++;
    continue;
  }
  const name = `gitgate ${object.verdict} [${object.rules.join(", ")}] / kubeconform ${theirs} (${kubeconformReason(result) || result.status})`;
  classes.set(name, [...(classes.get(name) ?? []), object.key]);
}
const leftOver = [...pending.values(), ...unparsed.values()].flat();
console.log(`Kubernetes ${version}: ${gitgate.length} objects judged by Gitgate, ${kubeconform.length} by kubeconform ${kubeconformVersion} -strict`);
console.log(`${compared} paired: ${agree} agree (${((100 * agree) / compared).toFixed(1)}%), ${compared - agree} disagree; unpaired: ${unpaired.length} Gitgate, ${leftOver.length} kubeconform`);
for (const [name, keys] of [...classes].sort((a, b) => b[1].length - a[1].length)) {
  console.log(`\n${keys.length} × ${name}`);
  for (const key of keys.slice(0, 3)) console.log(`    ${key}`);
}
if (unpaired.length > 0) console.log(`\nGitgate objects with no kubeconform result:\n${unpaired.map((k) => `    ${k}`).join("\n")}`);
if (leftOver.length > 0) {
  console.log(`\nkubeconform results with no Gitgate object (status, message):`);
  const byReason = new Map<string, number>();
  for (const r of leftOver) {
    const reason = `${r.status} ${r.filename} ${r.version} ${r.kind} ${r.name} ${kubeconformReason(r)}`;
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  }
  for (const [reason, n] of byReason) console.log(`  ${n} × ${reason}`);
}
