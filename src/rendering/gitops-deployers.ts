import { posix } from "node:path";
import type { FileContent } from "../engine/change-set.js";
import { joinPointer } from "../engine/parse/locate.js";
import { parseFile } from "../engine/parse/parse-file.js";
import { defaultParseLimits } from "../engine/parse/parse-limits.js";
import { resolveRef } from "./kustomization-refs.js";
import type { ValuesSource } from "./render-types.js";

/** An object in the repository that deploys a folder of the same repository. */
export interface Deployer {
  kind: "Application" | "HelmRelease" | "Kustomization";
  name: string;
  /** The file and document that declare it. */
  file: string;
  document: number;
  /** The repository folder it deploys (a chart or a kustomization root). */
  path: string;
  /** How it renders a chart there: values in Helm's merge order, release name and namespace. */
  helm?: { values: ValuesSource[]; release?: string; namespace?: string };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
/** `./charts/web/` → `charts/web`; undefined for a path that leaves the repository. */
const repoPath = (path: string) => resolveRef("", path.replace(/^\.\//, ""));

/**
 * Argo CD Applications (a `source`/`sources` entry with a `path`), Flux HelmReleases (a chart by path
 * from a GitRepository) and Flux Kustomizations (`spec.path`) in the given files. Whether the path
 * is in this repository is not knowable from the object (repoURL may be spelled many ways): a path
 * that holds a chart or a kustomization here is taken to be this repository's.
 */
export function deployersIn(files: readonly [string, FileContent][]): Deployer[] {
  const out: Deployer[] = [];
  for (const [file, content] of files) {
    for (const doc of parseFile(file, content, defaultParseLimits, "auto").documents) {
      if (!doc.valid || !isObj(doc.value)) continue;
      const value = doc.value;
      const apiVersion = str(value.apiVersion) ?? "";
      const name = str((value.metadata as Obj | undefined)?.name) ?? "(unnamed)";
      const spec = isObj(value.spec) ? value.spec : {};
      const base = { name, file, document: doc.index };
      if (value.kind === "Application" && apiVersion.startsWith("argoproj.io/")) out.push(...applicationSources(spec, base));
      else if (value.kind === "HelmRelease" && apiVersion.startsWith("helm.toolkit.fluxcd.io/")) {
        const release = helmRelease(spec, value, base);
        if (release) out.push(release);
      } else if (value.kind === "Kustomization" && apiVersion.startsWith("kustomize.toolkit.fluxcd.io/")) {
        const path = str(spec.path) !== undefined ? repoPath(spec.path as string) : undefined;
        if (path !== undefined) out.push({ kind: "Kustomization", ...base, path });
      }
    }
  }
  return out;
}

function applicationSources(spec: Obj, base: Pick<Deployer, "name" | "file" | "document">): Deployer[] {
  const sources: [unknown, (string | number)[]][] = isObj(spec.source) ? [[spec.source, ["spec", "source"]]] : [];
  if (Array.isArray(spec.sources)) spec.sources.forEach((s, i) => sources.push([s, ["spec", "sources", i]]));
  const namespace = str((spec.destination as Obj | undefined)?.namespace);
  const out: Deployer[] = [];
  for (const [source, at] of sources) {
    if (!isObj(source) || str(source.path) === undefined) continue;
    const path = repoPath(source.path as string);
    if (path === undefined) continue;
    // Argo CD renders a folder with a Chart.yaml with Helm unless the source says how else to read it:
    // a directory source applies its files as they are, templates/ too (judged then as plain files).
    if (["directory", "kustomize", "plugin"].some((key) => isObj(source[key]))) {
      out.push({ kind: "Application", ...base, path });
      continue;
    }
    const helm = isObj(source.helm) ? source.helm : {};
    const values: ValuesSource[] = [];
    // valueFiles are relative to the chart; `$ref/…` names another source of a multi-source Application.
    for (const f of Array.isArray(helm.valueFiles) ? helm.valueFiles : []) {
      if (typeof f !== "string" || f.startsWith("$")) continue;
      const resolved = resolveRef(path, f);
      if (resolved !== undefined) values.push({ path: resolved });
    }
    // Argo CD gives `values` (a YAML string) and `valuesObject` precedence over the files, in that order.
    if (typeof helm.values === "string") values.push({ inline: helm.values, file: base.file, pointer: joinPointer([...at, "helm", "values"]) });
    if (isObj(helm.valuesObject)) values.push({ inline: JSON.stringify(helm.valuesObject), file: base.file, pointer: joinPointer([...at, "helm", "valuesObject"]) });
    const release = str(helm.releaseName) ?? base.name;
    out.push({ kind: "Application", ...base, path, helm: { values, release, ...(namespace ? { namespace } : {}) } });
  }
  return out;
}

function helmRelease(spec: Obj, value: Obj, base: Pick<Deployer, "name" | "file" | "document">): Deployer | undefined {
  const chartSpec = isObj(spec.chart) && isObj(spec.chart.spec) ? spec.chart.spec : undefined;
  const chart = str(chartSpec?.chart);
  const sourceKind = str(isObj(chartSpec?.sourceRef) ? chartSpec.sourceRef.kind : undefined);
  // A chart name from a HelmRepository is downloaded by Flux: only a path in a GitRepository is here.
  if (!chart || (sourceKind !== "GitRepository" && sourceKind !== "Bucket") || !/[/.]/.test(chart)) return undefined;
  const path = repoPath(chart);
  if (path === undefined) return undefined;
  const values: ValuesSource[] = [];
  for (const f of Array.isArray(chartSpec?.valuesFiles) ? chartSpec.valuesFiles : []) {
    const resolved = typeof f === "string" ? repoPath(f) : undefined;
    if (resolved !== undefined) values.push({ path: resolved });
  }
  if (isObj(spec.values)) values.push({ inline: JSON.stringify(spec.values), file: base.file, pointer: "/spec/values" });
  const targetNamespace = str(spec.targetNamespace);
  const namespace = targetNamespace ?? str((value.metadata as Obj | undefined)?.namespace);
  // Flux's default release name: `<targetNamespace>-<name>` when a target namespace is set.
  const release = str(spec.releaseName) ?? (targetNamespace ? `${targetNamespace}-${base.name}` : base.name);
  return { kind: "HelmRelease", ...base, path: posix.normalize(path), helm: { values, release, ...(namespace ? { namespace } : {}) } };
}
