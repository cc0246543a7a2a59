import { posix } from "node:path";
import type { RenderConfig } from "../config/config-types.js";
import type { FileContent } from "../engine/change-set.js";
import { kustomizationNames } from "../engine/gitops-files.js";
import { parseFile } from "../engine/parse/parse-file.js";
import { defaultParseLimits } from "../engine/parse/parse-limits.js";
import { deployersIn } from "./gitops-deployers.js";
import { kustomizationRefs, type KustomizationRefs } from "./kustomization-refs.js";
import type { RenderTarget, TreeSnapshot } from "./render-types.js";

const dirOf = (path: string) => (posix.dirname(path) === "." ? "" : posix.dirname(path));
const inFolder = (folder: string, name: string) => (folder === "" ? name : `${folder}/${name}`);

/** Files larger than this are not read while looking for Applications and HelmReleases. */
const maxDeployerBytes = 1024 * 1024;

/**
 * The render targets of one commit:
 * - Kustomize roots: every folder with a kustomization that no other kustomization includes (as a
 *   resource, base or component), plus the folders `render.kustomize` lists;
 * - Helm charts with the values to render them with: those `render.helm` lists, those an Argo CD
 *   Application or a Flux HelmRelease of the repository points at by a path in this repository, and
 *   every other chart with its own values.yaml (see ownValuesCharts).
 * Each target knows every file and folder it reads, so a change can be matched to the targets it changes.
 */
export async function discoverTargets(snapshot: TreeSnapshot, config: RenderConfig): Promise<RenderTarget[]> {
  const folders = new Set<string>([""]);
  for (const path of snapshot.paths) for (let dir = dirOf(path); dir !== "" && !folders.has(dir); dir = dirOf(dir)) folders.add(dir);
  const files = new Set(snapshot.paths);
  const isFolder = (path: string) => folders.has(path) && !files.has(path);

  const kustomizationFiles = snapshot.paths.filter((p) => kustomizationNames.includes(posix.basename(p)));
  const charts = new Set(snapshot.paths.filter((p) => posix.basename(p) === "Chart.yaml").map(dirOf));
  // One batch for everything discovery reads (the App pays a query per batch), with the charts' own
  // files: small, and read now they cost the rendering of a changed chart no query of its own.
  const candidates = config.discover ? deployerCandidates(snapshot.paths, charts) : [];
  const isCandidate = new Set(candidates);
  const chartFiles = snapshot.paths.filter((p) => !isCandidate.has(p) && ancestors(p).some((dir) => charts.has(dir)));
  const contents = await snapshot.read([...kustomizationFiles, ...candidates, ...chartFiles]);
  // One kustomization per folder, in kustomize's order of preference.
  const kustomizations = new Map<string, { file: string; refs: KustomizationRefs }>();
  for (const name of kustomizationNames) {
    for (const file of kustomizationFiles.filter((p) => posix.basename(p) === name)) {
      const dir = dirOf(file);
      if (!kustomizations.has(dir)) kustomizations.set(dir, { file, refs: kustomizationRefs(file, contents.get(file), isFolder) });
    }
  }
  const included = new Set([...kustomizations.values()].flatMap((k) => k.refs.folders));
  const roots = new Set(config.discover ? [...kustomizations.keys()].filter((dir) => !included.has(dir)) : []);
  for (const listed of config.kustomize) roots.add(listed.path);

  const deployers = config.discover ? deployersIn(withDeployerKinds(candidates, contents)) : [];

  const targets: RenderTarget[] = [];
  for (const root of [...roots].sort()) {
    const closure = closureOf(root, kustomizations);
    const deployer = deployers.find((d) => d.kind !== "HelmRelease" && d.path === root);
    targets.push({
      id: `kustomize:${root}`,
      kind: "kustomize",
      name: root === "" ? "(repository root)" : root,
      file: kustomizations.get(root)?.file ?? inFolder(root, "kustomization.yaml"),
      root,
      ...(deployer ? { deployedBy: { kind: deployer.kind, name: deployer.name, path: deployer.file } } : {}),
      dependsOn: { folders: closure.folders, files: closure.files },
      generated: closure.generated,
      remote: closure.remote,
      outside: closure.outside,
    });
  }
  for (const [i, entry] of config.helm.entries()) {
    targets.push(helmTarget(`helm:config#${i}`, entry.chart, entry.chart, entry.values.map((path) => ({ path })), entry.release, entry.namespace, undefined, []));
  }
  for (const d of deployers) {
    if (!d.helm || !charts.has(d.path)) continue;
    const deployedBy = { kind: d.kind, name: d.name, path: d.file };
    targets.push(helmTarget(`helm:${d.file}#${d.document}`, d.path, `${d.kind} ${d.name} (${d.path})`, d.helm.values, d.helm.release, d.helm.namespace, deployedBy, [d.file]));
  }
  if (config.discover) {
    const withValues = new Set(targets.filter((t) => t.kind === "helm").map((t) => t.root));
    for (const chart of ownValuesCharts(charts, contents).filter((c) => !withValues.has(c))) {
      targets.push(helmTarget(`helm:chart:${chart}`, chart, `${chart === "" ? "(repository root)" : chart} (its own values: nothing in this repository gives it values)`, [], undefined, undefined, undefined, []));
    }
  }
  return targets;
}

/**
 * The charts rendered with their own values.yaml when nothing here gives them values: whatever deploys
 * them (an Argo CD ApplicationSet's template, Flux or Argo CD in another repository, a release from a
 * chart repository) renders their templates, and without a render what they hold would go unjudged. A
 * `Chart.yaml` is all it takes to turn a folder of plain manifests into templates, so this is also what
 * keeps such a folder judged. Not: a subchart (in another chart's `charts/` folder: rendered through
 * that chart) or a library chart (Helm renders none of its templates on their own).
 */
function ownValuesCharts(charts: ReadonlySet<string>, contents: ReadonlyMap<string, FileContent | undefined>): string[] {
  const isSubchart = (chart: string) => chart !== "" && posix.basename(dirOf(chart)) === "charts" && charts.has(dirOf(dirOf(chart)));
  return [...charts].sort().filter((chart) => !isSubchart(chart) && !isLibraryChart(inFolder(chart, "Chart.yaml"), contents.get(inFolder(chart, "Chart.yaml"))));
}

function isLibraryChart(path: string, content: FileContent | undefined): boolean {
  if (content?.kind !== "text") return false;
  const chart = parseFile(path, content, defaultParseLimits, "1.2").documents[0]?.value;
  return chart !== null && typeof chart === "object" && (chart as Record<string, unknown>).type === "library";
}

function helmTarget(id: string, chart: string, name: string, values: RenderTarget["values"] & object, release: string | undefined, namespace: string | undefined, deployedBy: RenderTarget["deployedBy"], extraFiles: string[]): RenderTarget {
  return {
    id,
    kind: "helm",
    name,
    file: inFolder(chart, "Chart.yaml"),
    root: chart,
    values,
    ...(release !== undefined ? { release } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
    ...(deployedBy ? { deployedBy } : {}),
    dependsOn: { folders: [chart], files: [...values.flatMap((v) => ("path" in v ? [v.path] : [])), ...extraFiles] },
    remote: [],
    outside: [],
  };
}

/** The folders a path is in, innermost first. */
function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let dir = dirOf(path); dir !== ""; dir = dirOf(dir)) out.push(dir);
  return out;
}

/** Every folder and file a kustomization root reads, following included kustomizations. */
function closureOf(root: string, kustomizations: ReadonlyMap<string, { file: string; refs: KustomizationRefs }>) {
  const folders: string[] = [];
  const files = new Set<string>();
  const generated = new Set<string>();
  const remote: RenderTarget["remote"] = [];
  const outside: RenderTarget["outside"] = [];
  const seen = new Set<string>();
  const queue = [root];
  while (queue.length > 0) {
    const dir = queue.shift()!;
    if (seen.has(dir)) continue;
    seen.add(dir);
    folders.push(dir);
    const k = kustomizations.get(dir);
    if (!k) continue;
    queue.push(...k.refs.folders);
    for (const file of k.refs.files) files.add(file);
    for (const file of k.refs.generated) generated.add(file);
    remote.push(...k.refs.remote.map((r) => ({ ...r, file: k.file })));
    outside.push(...k.refs.outside.map((r) => ({ ...r, file: k.file })));
  }
  return { folders, files: [...files], generated: [...generated], remote, outside };
}

/** The YAML files that may hold an Application or HelmRelease: everything but chart templates and kustomizations. */
function deployerCandidates(paths: readonly string[], charts: ReadonlySet<string>): string[] {
  const inTemplates = (path: string) => ancestors(path).some((dir) => posix.basename(dir) === "templates" && charts.has(dirOf(dir)));
  return paths.filter((p) => /\.ya?ml$/i.test(p) && !inTemplates(p) && !kustomizationNames.includes(posix.basename(p)));
}

/** The candidates under 1 MiB whose text names one of the deploying kinds. */
function withDeployerKinds(candidates: readonly string[], contents: ReadonlyMap<string, FileContent | undefined>): [string, FileContent][] {
  const out: [string, FileContent][] = [];
  for (const path of candidates) {
    const content = contents.get(path);
    if (content?.kind !== "text" || content.size > maxDeployerBytes) continue;
    if (!/kind:\s*["']?(Application|HelmRelease|Kustomization)\b/.test(content.text)) continue;
    out.push([path, content]);
  }
  return out;
}
