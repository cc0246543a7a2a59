// `npm run bench`: throughput and memory of the engine on a generated corpus of Kubernetes manifests,
// and conftest on the same corpus for comparison. Numbers, not assertions: tests never time things.
// Run on an idle machine for comparable figures. BENCH_FILES sets the corpus size (5 documents a file).
import { loadControlPlane } from "../src/config/load-control-plane.js";
import { memoryReader } from "../src/config/repo-reader.js";
import type { FileChange } from "../src/engine/change-set.js";
import { evaluateChangeSet } from "../src/engine/evaluate-change-set.js";
import { createRegoCompiler } from "../src/opa/compile-rego.js";
import { timeConftest } from "./conftest.js";
import { corpusConfig, generateCorpus } from "./corpus.js";

const files = Number(process.env.BENCH_FILES ?? 1000);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const corpus = generateCorpus(files);
const withPolicies = `${corpusConfig}policies:\n  builtin: [kubernetes, gitops]\n`;

async function measure(config: string, changed: FileChange[]) {
  const plane = await loadControlPlane(memoryReader({ ".github/gitgate.yml": config }), { compileRego: createRegoCompiler() });
  if (plane.findings.length > 0) throw new Error(JSON.stringify(plane.findings));
  // Warm-up: loads validators and compiles policies (cached on disk), lets the JIT settle.
  await evaluateChangeSet(plane, { base: "b", head: "h", files: changed.slice(0, 20) }, { today: "2026-06-01" });
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const report = await evaluateChangeSet(plane, { base: "b", head: "h", files: changed }, { today: "2026-06-01" });
  const seconds = (performance.now() - started) / 1000;
  gc();
  const retained = process.memoryUsage().heapUsed - heapBefore;
  // Head and base versions are both parsed and judged (to tell new findings from existing ones).
  const documents = report.summary.documents * 2;
  return { seconds, documents, perSecond: documents / seconds, retained, findings: report.findings.length };
}

console.log(`corpus: ${files} changed files, ${files * 5} documents at head and ${files * 5} at base\n`);

const schema = await measure(corpusConfig, corpus);
console.log(`parse + schema:          ${schema.documents} documents in ${schema.seconds.toFixed(2)} s = ${Math.round(schema.perSecond)} documents/s`);
const policy = await measure(withPolicies, corpus);
console.log(`parse + schema + policy: ${policy.documents} documents in ${policy.seconds.toFixed(2)} s = ${Math.round(policy.perSecond)} documents/s (${policy.findings} findings)`);
const policyOnly = policy.documents / (policy.seconds - schema.seconds);
console.log(`  policy evaluation alone (kubernetes + gitops packs): ≈ ${Math.round(policyOnly)} documents/s`);

// Memory must not grow with the number of documents: compare what a run retains at two sizes.
const small = await measure(withPolicies, corpus.slice(0, Math.max(1, Math.floor(files / 5))));
console.log(`\nheap retained after a run: ${mib(small.retained)} MiB for ${small.documents} documents, ${mib(policy.retained)} MiB for ${policy.documents} documents`);
console.log(`  per document: ${(small.retained / small.documents).toFixed(0)} B and ${(policy.retained / policy.documents).toFixed(0)} B`);
console.log(`peak RSS of the whole bench: ${mib(process.resourceUsage().maxRSS * 1024)} MiB`);

if (process.env.BENCH_SKIP_CONFTEST) process.exit(0);
const conftest = await timeConftest(corpus);
const headDocs = files * 5;
console.log(`\nconftest ${conftest.version} (same packs, head only): ${headDocs} documents in ${conftest.seconds.toFixed(2)} s = ${Math.round(headDocs / conftest.seconds)} documents/s`);
console.log(`  Gitgate parse + schema + policy is ${(policy.perSecond / (headDocs / conftest.seconds)).toFixed(1)}× conftest's parse + policy throughput`);
console.log("kubeconform: not run; it downloads its schemas from the network at run time, which this machine does not reach.");
