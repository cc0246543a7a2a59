// `npm run bench`: throughput and memory of the engine on a generated corpus of Kubernetes manifests.
// Numbers, not assertions: tests never time things. Run on an idle machine for comparable figures.
import { loadControlPlane } from "../src/config/load-control-plane.js";
import { memoryReader } from "../src/config/repo-reader.js";
import { evaluateChangeSet } from "../src/engine/evaluate-change-set.js";
import { corpusConfig, generateCorpus } from "./corpus.js";

const files = Number(process.env.BENCH_FILES ?? 1000);
const gc = (globalThis as { gc?: () => void }).gc;
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

const plane = await loadControlPlane(memoryReader({ ".github/gitgate.yml": corpusConfig }));
const changes = { base: "base", head: "head", files: generateCorpus(files) };

// Warm-up: loads the validators of the kinds used and lets the JIT settle.
await evaluateChangeSet(plane, { ...changes, files: changes.files.slice(0, 50) }, { today: "2026-06-01" });
gc?.();
const heapBefore = process.memoryUsage().heapUsed;

const started = performance.now();
const report = await evaluateChangeSet(plane, changes, { today: "2026-06-01" });
const seconds = (performance.now() - started) / 1000;

gc?.();
const heapAfter = process.memoryUsage().heapUsed;
const documents = report.summary.documents * 2; // head and base versions are both parsed and validated
const peakRss = process.resourceUsage().maxRSS * 1024;

console.log(`corpus: ${files} files, ${report.summary.documents} documents at head (+ the same at base)`);
console.log(`findings: ${report.findings.length} (conclusion ${report.conclusion})`);
console.log(`parse + schema: ${documents} documents in ${seconds.toFixed(2)} s = ${Math.round(documents / seconds)} documents/s`);
console.log(`peak RSS: ${mib(peakRss)} MiB; heap retained after the run: ${mib(heapAfter - heapBefore)} MiB`);
