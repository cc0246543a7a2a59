import { posix } from "node:path";
import { createMatcher } from "../config/check-globs.js";
import { configPath as defaultConfigPath } from "../config/config-types.js";
import { loadConfig } from "../config/load-config.js";
import type { ControlPlane } from "../config/load-control-plane.js";
import { unmatchedGlobFindings } from "../config/unmatched-globs.js";
import { RefusedPathError } from "../config/repo-reader.js";
import { evaluateChangeSet } from "../engine/evaluate-change-set.js";
import { policyRunnerOf } from "../engine/judge-change.js";
import { defaultMaxFileBytes } from "../engine/parse/parse-limits.js";
import type { CompileRego } from "../engine/policy/policy-types.js";
import { approvalScopeOf } from "./approval-scope.js";
import { guardSettingsOf } from "./guard-settings.js";
import { buildControlPlane, memoReader } from "./build-control-plane.js";
import type { LaneOpener } from "./file-lanes.js";
import { decodeRead, type ChangeSet, type DeferredContent, type FileContent } from "../engine/change-set.js";
import { stringPool } from "../engine/string-pool.js";
import type { ControlPlaneSource, EvaluationHost, EvaluationJob, EvaluationRoute, JobResult } from "./evaluation-types.js";

const defaultExceptions = ".github/gitgate-exceptions.yml";

/**
 * One evaluation, as a worker runs it: build the control plane from the files the host serves, ask the
 * host for the change with the limits the config sets, judge it. Everything that parses or compiles
 * untrusted content happens here, off the main thread.
 */
export async function runEvaluationJob(job: EvaluationJob, jobHost: Omit<EvaluationHost, "changes"> & Partial<Pick<EvaluationHost, "changes">>, compileRego: CompileRego, lanes?: LaneOpener): Promise<JobResult> {
  const { source } = job;
  const configPath = source.configPath ?? defaultConfigPath;
  if (job.kind === "guard-settings") return { kind: job.kind, settings: guardSettingsOf(source.configText ?? (await jobHost.read(configPath)), configPath, source.inherited) };
  const host = memoReader(jobHost);
  const plane = await buildControlPlane(source, host, compileRego, async (inherited) => {
    if (host.prefetch) await prefetchControlPlane(host as Required<Pick<EvaluationHost, "prefetch" | "read">>, configPath, source.configText, inherited?.config);
  });
  // Before the listing (which may be the candidates) is let go, and without holding it for the job.
  const governed = job.kind === "evaluate" ? governedCandidates(job, plane.config) : undefined;
  // A change's listing waits for the change: a config the change edits is checked instead of the base's.
  const listing = source.repositoryFiles;
  delete source.repositoryFiles;
  const ofChange = job.kind === "evaluate" && !job.options.snapshot;
  // The config as judged: the CLI's --config replaces the file.
  const baseConfigText = async () => source.configText ?? (await host.read(configPath));
  if (!ofChange) await warnUnmatchedGlobs(listing, plane, configPath, baseConfigText);
  if (job.kind === "control-plane-paths") return { kind: job.kind, paths: job.paths.filter((p) => plane.isControlPlanePath(p)) };
  const configText = source.configText ?? (await host.read(configPath).catch(() => undefined)) ?? source.inherited?.text;
  if (job.kind === "approval-scope") return { kind: job.kind, scope: await approvalScopeOf(plane, configText, source.inherited, job.changed, (path) => host.read(path)) };
  if (!host.changes) throw new Error("an evaluation needs a change to judge");
  const config = plane.config;
  const route: EvaluationRoute = {
    maxFileBytes: config?.limits.maxFileBytes ?? defaultMaxFileBytes,
    previewComment: config?.preview.comment !== false,
  };
  // The policy thread the judging will use starts now, so that its start overlaps reading the change.
  if (config && !plane.configInvalid) policyRunnerOf(plane, config);
  // With the question, not in the result.
  const listed = await host.changes(governed ? { ...route, governed } : route);
  shareRepeatedValues(listed);
  if (ofChange) await warnUnmatchedGlobsOfChange(listed, listing, plane, configPath, { text: baseConfigText, replaced: source.configText !== undefined }, host);
  // Deferred files are read through the host as they are judged (the CLI's validate).
  const deferred = listed.files.filter((f) => f.after?.kind === "deferred").map((f) => f.path);
  const read = host.contents ? { ...listed, ...readAhead(deferred, async (paths) => (await host.contents!(paths)).map(decodeRead)) } : listed;
  // Kustomize and Helm targets the change touches are rendered here, in the worker (see src/rendering).
  // Rendering and the check run's Markdown are loaded by the jobs that use them (not the CLI's validate).
  const rendered = config && !job.options.snapshot ? await (await import("../rendering/render-for-host.js")).renderForHost(config, read, host) : undefined;
  const changes = rendered ? { ...read, rendered } : read;
  // A stream of many files is judged on several threads (the CLI's validate of a repository). They build
  // the same plane from the same source (without the listing, let go above).
  const report = await evaluateChangeSet(plane, changes, job.options, lanes && job.options.snapshot ? (context) => lanes({ source, context, reader: host, compileRego }) : undefined);
  const github = job.render?.github ? (await import("../github/check-run-output.js")).renderGitHubOutput(report, job.render.github.parts) : undefined;
  const changedPaths = changes.files.map((f) => ({ path: f.path, ...(f.previousPath !== undefined ? { previousPath: f.previousPath } : {}) }));
  const approvals = job.options.snapshot ? undefined : await approvalScopeOf(plane, configText, source.inherited, changedPaths, (path) => host.read(path));
  return { kind: job.kind, result: { report, route, controlPlaneBroken: plane.findings.some((f) => f.severity === "error"), ...(github ? { github } : {}), ...(approvals ? { approvals } : {}) } };
}

/**
 * Warns of config globs that match no file of the repository's listing (the CLI sends it). The listing
 * is taken out of the job, which is held until it ends, so that it is let go once used: it holds a
 * path for every file of the repository.
 */
async function warnUnmatchedGlobs(listing: ControlPlaneSource["repositoryFiles"], plane: ControlPlane, configPath: string, configText: () => Promise<string | undefined>): Promise<void> {
  if (!listing || !plane.config || plane.defaulted) return;
  const text = await configText();
  if (text !== undefined) plane.findings.push(...unmatchedGlobFindings(text, configPath, listing.paths, listing.where));
}

/**
 * The same for a change. When it edits the config, the edited config's globs are checked against the
 * head's files (the base's globs are on their way out): a typo is caught on the pull request that
 * makes it, in the App (which lists the head's tree for it, one request) as in `gitgate check`. A tree
 * GitHub lists only in part cannot tell a typo from a file it left out: no warning then.
 */
async function warnUnmatchedGlobsOfChange(changes: ChangeSet, listing: ControlPlaneSource["repositoryFiles"], plane: ControlPlane, configPath: string, base: { text: () => Promise<string | undefined>; replaced: boolean }, host: Pick<EvaluationHost, "treePaths">): Promise<void> {
  const edited = changes.files.find((f) => f.path === configPath && f.status !== "removed")?.after;
  // A config given in place of the repository's (`check --config`) judges the change: its globs are the ones to check.
  if (edited?.kind !== "text" || base.replaced) return warnUnmatchedGlobs(listing, plane, configPath, base.text);
  const paths = await host.treePaths?.(changes.head).catch(() => undefined);
  if (!paths) return;
  // The globs the edit brings: one the base's config has already is not this change's doing.
  const before = await base.text().catch(() => undefined);
  const old = new Set(before === undefined ? [] : (loadConfig(before, configPath).globs ?? []).map((g) => g.glob));
  plane.findings.push(...unmatchedGlobFindings(edited.text, configPath, paths, `at the head (${changes.head.slice(0, 12)})`, old));
}

/**
 * Asks the host for everything the config points at in one round (GitHub: two or three queries
 * whatever the number of files): config and exceptions, then schema files with their folders (for
 * $refs between them), policy folders and a custom exceptions file.
 */
async function prefetchControlPlane(host: Required<Pick<EvaluationHost, "prefetch" | "read">>, configPath: string, configText: string | undefined, inherited: ReturnType<typeof loadConfig>["config"]): Promise<void> {
  await host.prefetch([configPath, defaultExceptions], []);
  // A config Gitgate refuses to read (a link) is reported by the loader; there is nothing to prefetch for it.
  const text = configText ?? (await host.read(configPath).catch((error: unknown) => {
    if (error instanceof RefusedPathError) return undefined;
    throw error;
  }));
  const config = text !== undefined ? loadConfig(text, configPath).config : inherited;
  if (!config) return;
  const schemaFiles = [...config.schemas, ...config.schemaKinds].map((s) => s.schema).filter((s) => s !== "kubernetes");
  const folders = [...new Set(schemaFiles.map((s) => posix.dirname(s)).filter((d) => d !== "."))];
  // CRD folders are read whole; a catalog is not prefetched: it can hold thousands of files, of which a change uses a few.
  await host.prefetch([...schemaFiles, config.exceptions], [...folders, ...config.policies.paths, ...config.policies.data, ...config.crds.map((c) => c.path)], { maxFileBytes: config.limits.maxFileBytes });
}

/** Files read in one request to the host, and so most files a thread holds read but not yet judged. */
const readAheadFiles = 32;

/**
 * Reads of deferred files, ahead of the engine. It asks for them in the order of the change (once for
 * the CRDs they may hold, then those it could not judge then, see ChangeSet.willLoad), so a file it
 * asks for that is not read yet is read with the next ones in one request: one message to the host and
 * back for many files, where there was one per file. Each file read ahead is handed over once, or let
 * go when the engine has moved past it.
 */
function readAhead(order: readonly string[], readMany: (paths: string[]) => Promise<(FileContent | undefined)[]>): Pick<ChangeSet, "load" | "willLoad"> {
  let indexOf = new Map(order.map((path, i) => [path, i]));
  let upcoming = order;
  const held = new Map<string, { index: number; content: Promise<FileContent | undefined> }>();
  return {
    willLoad(paths) {
      upcoming = paths;
      indexOf = new Map(paths.map((path, i) => [path, i]));
      for (const [path, entry] of held) {
        if (indexOf.has(path)) entry.index = indexOf.get(path)!;
        else held.delete(path);
      }
    },
    load(path) {
      const ready = held.get(path);
      held.delete(path);
      if (ready) return ready.content;
      const at = indexOf.get(path);
      if (at === undefined) return readMany([path]).then((contents) => contents?.[0]);
      for (const [skipped, { index }] of held) if (index < at) held.delete(skipped);
      const batch = upcoming.slice(at, at + readAheadFiles).filter((p) => p === path || !held.has(p));
      const contents = readMany(batch);
      batch.forEach((p, i) => {
        if (p === path) return;
        const content = contents.then((read) => read?.[i]);
        // A failed read fails the file asked for; one read ahead and let go must not fail the thread.
        content.catch(() => undefined);
        held.set(p, { index: indexOf.get(p)!, content });
      });
      return contents.then((read) => read?.[0]);
    },
  };
}

/**
 * Which of a validate's candidates the config governs (EvaluationRoute.governed), taken out of its job
 * (held until the job ends): undefined when the job names none, or there is no valid config to govern.
 */
function governedCandidates(job: Extract<EvaluationJob, { kind: "evaluate" }>, config: ControlPlane["config"]): Uint8Array | undefined {
  const { candidates } = job;
  delete job.candidates;
  const paths = candidates === "repository-files" ? job.source.repositoryFiles?.paths : candidates;
  if (!config || !paths) return undefined;
  const governs = createMatcher(config.files, config.ignore);
  const flags = new Uint8Array(paths.length);
  paths.forEach((path, i) => (flags[i] = governs(path) ? 1 : 0));
  return flags;
}

/**
 * A listing from the host arrives with a copy of each entry's status and of `{ kind: "deferred" }` in
 * every entry (the CLI's validate of the corpus ×16: 18,000 of each, 2 MB held to the end of the run):
 * one of each is kept.
 */
function shareRepeatedValues(listed: ChangeSet): void {
  const pooled = stringPool();
  for (const change of listed.files) {
    change.status = pooled(change.status);
    if (change.after?.kind === "deferred") change.after = sharedDeferred;
  }
}

const sharedDeferred: DeferredContent = Object.freeze({ kind: "deferred" });
