// `npm run bench`: throughput and memory of the engine on a generated corpus of Kubernetes manifests,
// and conftest on the same corpus for comparison. Numbers, not assertions: tests never time things.
// Run on an idle machine for comparable figures. BENCH_FILES sets the corpus size (5 documents a file).
import { loadControlPlane } from "../src/config/load-control-plane.js";
import { memoryReader } from "../src/config/repo-reader.js";
import type { FileChange } from "../src/engine/change-set.js";
import { evaluateChangeSet } from "../src/engine/evaluate-change-set.js";
import { semanticDiff } from "../src/engine/diff/semantic-diff.js";
import { parseFile } from "../src/engine/parse/parse-file.js";
import { defaultParseLimits } from "../src/engine/parse/parse-limits.js";
import { createSensitivity } from "../src/engine/secrets/sensitive-paths.js";
import { evaluateDocumentPolicies } from "../src/engine/policy/document-policies.js";
import { PolicyRunner } from "../src/engine/policy/policy-runner.js";
import { defaultPolicyLimits } from "../src/engine/policy/policy-types.js";
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
  let report: Awaited<ReturnType<typeof evaluateChangeSet>> | undefined = await evaluateChangeSet(plane, { base: "b", head: "h", files: changed }, { today: "2026-06-01" });
  const seconds = (performance.now() - started) / 1000;
  // Head and base versions are both parsed; the head is judged, the base only where the head has
  // findings (to tell new ones from existing ones). Throughput counts every document parsed.
  const documents = report.summary.documents * 2;
  const findings = report.findings.length;
  // What stays behind once the report itself is dropped: anything here would grow with the corpus.
  report = undefined;
  gc();
  const retained = process.memoryUsage().heapUsed - heapBefore;
  return { seconds, documents, perSecond: documents / seconds, retained, findings };
}

console.log(`corpus: ${files} changed files, ${files * 5} documents at head and ${files * 5} at base\n`);

const schema = await measure(corpusConfig, corpus);
console.log(`(every document is parsed at head and base; the head is judged, the base only where the head has findings)`);
console.log(`parse + schema:          ${schema.documents} documents in ${schema.seconds.toFixed(2)} s = ${Math.round(schema.perSecond)} documents/s`);
const policy = await measure(withPolicies, corpus);
console.log(`parse + schema + policy: ${policy.documents} documents in ${policy.seconds.toFixed(2)} s = ${Math.round(policy.perSecond)} documents/s (${policy.findings} findings)`);
{
  // Policy evaluation alone: the head documents, parsed beforehand, through the bounded worker.
  const plane = await loadControlPlane(memoryReader({ ".github/gitgate.yml": withPolicies }), { compileRego: createRegoCompiler() });
  const runner = new PolicyRunner(plane.policies.modules, defaultPolicyLimits);
  const heads = corpus.map((f) => ({ path: f.path, docs: parseFile(f.path, f.after!, defaultParseLimits).documents }));
  await evaluateDocumentPolicies(heads[0]!.path, heads[0]!.docs, plane.policies.document, runner);
  const started = performance.now();
  for (const head of heads) await evaluateDocumentPolicies(head.path, head.docs, plane.policies.document, runner);
  const seconds = (performance.now() - started) / 1000;
  await runner.close();
  const docs = heads.reduce((n, h) => n + h.docs.length, 0);
  console.log(`policy evaluation alone: ${docs} documents × 2 packs in ${seconds.toFixed(2)} s = ${Math.round(docs / seconds)} documents/s`);
}

// The diff alone, on documents parsed beforehand.
const parsed = corpus.map((f) => ({
  path: f.path,
  before: parseFile(f.path, f.before!, defaultParseLimits).documents,
  after: parseFile(f.path, f.after!, defaultParseLimits).documents,
}));
const diffStart = performance.now();
const diff = semanticDiff(parsed, createSensitivity([]));
const diffSeconds = (performance.now() - diffStart) / 1000;
console.log(`semantic diff alone:     ${files * 5} object pairs in ${diffSeconds.toFixed(2)} s = ${Math.round((files * 5) / diffSeconds)} pairs/s (${diff.summary.changed} changed objects)`);

// Memory must not grow with the number of documents judged: judge the whole corpus again and again
// and watch the heap that stays behind. A leak of even 100 bytes a document would add 1 MiB a round.
const heaps: string[] = [];
for (let round = 0; round < 3; round++) {
  await measure(withPolicies, corpus);
  gc();
  heaps.push(mib(process.memoryUsage().heapUsed));
}
console.log(`\nheap after each further round of ${policy.documents} documents: ${heaps.join(" MiB, ")} MiB`);
console.log(`peak RSS of the whole bench: ${mib(process.resourceUsage().maxRSS * 1024)} MiB`);

if (process.env.BENCH_SKIP_CONFTEST) process.exit(0);
const conftest = await timeConftest(corpus);
const headDocs = files * 5;
console.log(`\nconftest ${conftest.version} (same packs, head only): ${headDocs} documents in ${conftest.seconds.toFixed(2)} s = ${Math.round(headDocs / conftest.seconds)} documents/s`);
console.log(`  Gitgate parse + schema + policy is ${(policy.perSecond / (headDocs / conftest.seconds)).toFixed(1)}× conftest's parse + policy throughput`);
console.log("kubeconform: not run; it downloads its schemas from the network at run time, which this machine does not reach.");
