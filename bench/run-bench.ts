// `npm run bench`: Gitgate, kubeconform and conftest side by side, as a user runs them, on the same
// documents and the same work. Numbers, not assertions: tests never time things.
//
// - Documents: the manifests of the shared real-world corpus (../shared/corpus), once and BENCH_COPIES
//   times over (default 16), written to a temporary folder (bench-corpus.ts). Head documents only: no
//   tool sees a base version.
// - Work: `gitgate validate` with strict built-in Kubernetes schemas against `kubeconform -strict
//   -ignore-missing-schemas` (schemas of the same Kubernetes release, read offline from the PyPI
//   package kubernetes-validate); `gitgate validate` with those schemas and bench/policy/main.rego
//   against `conftest test` with the same policy file (conftest does no schema work at all).
// - Runs alternate between the tools, BENCH_ROUNDS rounds (default 3); medians are reported, with the
//   peak resident memory of each run (GNU time's maximum RSS of the child process).
// - One file (a Deployment and a Service), as a pre-commit hook checks it: each tool BENCH_ONE_FILE_ROUNDS
//   times (default 21), medians of the wall time, which for such a run is mostly start-up.
// The machine's load average is printed: on a shared machine the numbers move with it.
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { newestKubernetesVersion } from "../src/engine/schema/api-deprecations.js";
import { conftestReadable, corpusManifests, writeBenchCorpus, type BenchCorpus } from "./bench-corpus.js";
import { conftestBinary, conftestVersion, kubeconformBinary, kubeconformSchemaLocation, kubeconformVersion } from "./go-tools.js";
import { corpusDir, corpusPresent } from "./real-corpus.js";

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const copies = Number(process.env.BENCH_COPIES ?? 16);
// Runs of each tool on one file: a run is a fraction of a second, so more of them than of the corpus
// (on this 2-core machine one build's runs of one file range over 70 ms; 21 of them steady the median).
const oneFileRounds = Number(process.env.BENCH_ONE_FILE_ROUNDS ?? 21);
// BENCH_GITGATE: another build of the CLI (e.g. a copy of an older dist/) to compare with.
const gitgateBin = process.env.BENCH_GITGATE ?? fileURLToPath(new URL("../dist/cli/bin.js", import.meta.url));
const timeBin = "/usr/bin/time";

if (!corpusPresent) {
  console.error("No corpus at ../shared/corpus: nothing to measure.");
  process.exit(2);
}
if (!existsSync(timeBin)) {
  console.error(`${timeBin} (GNU time) is needed to measure each tool's peak memory.`);
  process.exit(2);
}

interface Tool {
  name: string;
  /** The command, run in `cwd`; its exit status must be one of `ok`. */
  command(corpus: BenchCorpus): { cwd: string; args: string[]; env?: NodeJS.ProcessEnv };
  ok: number[];
}

const kubeconform = kubeconformBinary();
const conftest = conftestBinary();
const schemaLocation = kubeconformSchemaLocation(newestKubernetesVersion);
// The bench measures speed, not the time bound: a big run on a busy machine must not be stopped by it.
// The memory bound stays the default one (BENCH_MEMORY_MIB sets another): V8 lets a heap grow towards
// its bound before it collects, so a higher bound shows up as a higher peak.
const unbounded = { ...process.env, GITGATE_EVALUATION_TIMEOUT_SECONDS: "3600", ...(process.env.BENCH_MEMORY_MIB ? { GITGATE_EVALUATION_MEMORY_MIB: process.env.BENCH_MEMORY_MIB } : {}) };

const tools: Tool[] = [
  {
    name: `kubeconform ${kubeconformVersion} -strict`,
    command: (c) => ({ cwd: c.root, args: [kubeconform, "-strict", "-ignore-missing-schemas", "-summary", "-n", String(availableParallelism()), "-schema-location", schemaLocation, c.manifests] }),
    ok: [0, 1],
  },
  {
    name: "gitgate validate (schemas)",
    command: (c) => ({ cwd: c.root, args: [process.execPath, gitgateBin, "validate", "--format", "json"], env: unbounded }),
    ok: [0, 1],
  },
  {
    name: `conftest ${conftestVersion} test (policy)`,
    command: (c) => ({ cwd: c.root, args: [conftest, "test", "--no-color", "--output", "json", "-p", c.policy, c.manifests] }),
    ok: [0, 1],
  },
  {
    name: "gitgate validate (schemas + policy)",
    command: (c) => ({ cwd: c.root, args: [process.execPath, gitgateBin, "validate", "--format", "json", "--config", c.policyConfig], env: unbounded }),
    ok: [0, 1],
  },
];

interface Run {
  seconds: number;
  maxRssMiB: number;
  /** Documents Gitgate judged (from its report), for Gitgate's runs. */
  documents?: number;
}

function runOnce(tool: Tool, corpus: BenchCorpus, scratch: string): Run {
  const { cwd, args, env } = tool.command(corpus);
  const out = join(scratch, "out.txt");
  const timing = join(scratch, "time.txt");
  const fd = openSync(out, "w");
  try {
    const run = spawnSync(timeBin, ["-f", "%e %M", "-o", timing, ...args], { cwd, env: env ?? process.env, stdio: ["ignore", fd, "pipe"], maxBuffer: 64 * 1024 * 1024 });
    if (!tool.ok.includes(run.status ?? -1)) throw new Error(`${tool.name} exited with ${run.status}: ${run.stderr.toString().slice(0, 2000)}`);
  } finally {
    closeSync(fd);
  }
  const [seconds, kib] = readFileSync(timing, "utf8").trim().split("\n").at(-1)!.split(" ").map(Number) as [number, number];
  const run: Run = { seconds, maxRssMiB: kib / 1024 };
  if (tool.name.startsWith("gitgate")) run.documents = (JSON.parse(readFileSync(out, "utf8")) as { summary: { documents: number } }).summary.documents;
  return run;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const load = () => loadavg().map((l) => l.toFixed(1)).join(" ");

const scratch = mkdtempSync(join(tmpdir(), "gitgate-bench-"));
let readable = new Set<string>();
try {
  const all = corpusManifests();
  readable = new Set(conftestReadable(conftest, scratch, all));
  console.log(`${readable.size} of the corpus's ${all.length} manifest files (${all.length - readable.size} left out: conftest stops at a file it cannot parse)`);
  const corpora = [writeBenchCorpus(scratch, 1, [...readable]), ...(copies > 1 ? [writeBenchCorpus(scratch, copies, [...readable])] : [])];
  console.log(`${availableParallelism()} CPUs; ${rounds} rounds; load average at start ${load()}`);
  const results = new Map<string, Run[]>();
  for (let round = 0; round < rounds; round++) {
    // Alternating: each round starts with a different tool, so no tool always runs on a warm (or busy) machine.
    const order = tools.map((_, i) => tools[(i + round) % tools.length]!);
    for (const corpus of corpora) {
      for (const tool of order) {
        const key = `${corpus.root}\0${tool.name}`;
        results.set(key, [...(results.get(key) ?? []), runOnce(tool, corpus, scratch)]);
      }
    }
    console.log(`round ${round + 1} done; load average ${load()}`);
  }
  for (const corpus of corpora) {
    const gitgateDocs = new Set(tools.filter((t) => t.name.startsWith("gitgate")).flatMap((t) => results.get(`${corpus.root}\0${t.name}`)!.map((r) => r.documents!)));
    if (gitgateDocs.size !== 1) throw new Error(`Gitgate's runs judged different numbers of documents: ${[...gitgateDocs].join(", ")}`);
    const documents = [...gitgateDocs][0]!;
    console.log(`\n${corpus.files} files, ${documents} documents (${corpus.root.endsWith("x1") ? "the corpus" : `the corpus ×${copies}`}); medians of ${rounds}:`);
    const perSecond = new Map<string, number>();
    for (const tool of tools) {
      const runs = results.get(`${corpus.root}\0${tool.name}`)!;
      const seconds = median(runs.map((r) => r.seconds));
      perSecond.set(tool.name, documents / seconds);
      console.log(`  ${tool.name.padEnd(38)} ${seconds.toFixed(2).padStart(7)} s ${String(Math.round(documents / seconds)).padStart(6)} documents/s   peak RSS ${median(runs.map((r) => r.maxRssMiB)).toFixed(0).padStart(5)} MiB (max ${Math.max(...runs.map((r) => r.maxRssMiB)).toFixed(0)})`);
    }
    const [kc, schemas, ct, policy] = tools.map((t) => perSecond.get(t.name)!) as [number, number, number, number];
    console.log(`  Gitgate schemas / kubeconform -strict: ${(schemas / kc).toFixed(2)}×; Gitgate schemas + policy / conftest: ${(policy / ct).toFixed(2)}×`);
  }
  console.log(`\n(every tool reads the same files and counts the same documents; load average at the end ${load()})`);
  oneFile(corpora[0]!);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

/**
 * One file, as a pre-commit hook or an editor checks it: what a user waits for is mostly start-up. The
 * corpus's first file with a Deployment and a Service, in the corpus repository, by each tool.
 */
function oneFile(corpus: BenchCorpus): void {
  const files = corpusManifests().filter((f) => readable.has(f));
  const chosen = files.find((f) => /^kind: Deployment$/m.test(readFileSync(join(corpusDir, f), "utf8")) && /^kind: Service$/m.test(readFileSync(join(corpusDir, f), "utf8")));
  if (!chosen) throw new Error("no corpus file with a Deployment and a Service");
  const file = join(corpus.manifests, "copy-1", chosen);
  const gitgate = (extra: string[]) => (c: BenchCorpus) => ({ cwd: c.root, args: [process.execPath, gitgateBin, "validate", "--format", "json", ...extra, file] });
  const oneFileTools: Tool[] = [
    { name: `kubeconform ${kubeconformVersion} -strict`, command: () => ({ cwd: corpus.root, args: [kubeconform, "-strict", "-ignore-missing-schemas", "-summary", "-schema-location", schemaLocation, file] }), ok: [0, 1] },
    { name: "gitgate validate (schemas)", command: gitgate([]), ok: [0, 1] },
    { name: "gitgate validate (schemas + policy)", command: gitgate(["--config", corpus.policyConfig]), ok: [0, 1] },
  ];
  const runs = new Map<string, Run[]>();
  for (let round = 0; round < oneFileRounds; round++) {
    for (const tool of oneFileTools) runs.set(tool.name, [...(runs.get(tool.name) ?? []), runOnce(tool, corpus, scratch)]);
  }
  console.log(`\nOne-file validate wall, median of ${oneFileRounds} (${chosen}, ${runs.get("gitgate validate (schemas)")![0]!.documents} documents; load average ${load()}):`);
  for (const tool of oneFileTools) {
    const times = runs.get(tool.name)!;
    // In ms: the target (200 ms) and the peers are a few hundredths of a second apart.
    console.log(`  ${tool.name.padEnd(38)} ${(median(times.map((r) => r.seconds)) * 1000).toFixed(0).padStart(7)} ms  peak RSS ${median(times.map((r) => r.maxRssMiB)).toFixed(0).padStart(5)} MiB`);
  }
}

// Rendering: time per Kustomize target, and the App's verdict on a PR touching one overlay of 50.
await import("./render-bench.js");
