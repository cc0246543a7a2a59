import { isRecord } from "../value-tree.js";

// Helm values written into the object that deploys a chart: an Argo CD Application's (or an
// ApplicationSet template's) `helm.values`, `helm.valuesObject` and `helm.parameters[].value`, a Flux
// HelmRelease's `spec.values`. They are values as a values file's are, and most of them go to charts
// from Helm repositories, which no render here traces: like a values file no render traced, they are
// masked in the preview and no source line of their file is shown. They are values that may be secrets,
// not values known to be: scrubbed from other output where they appear whole, not by their slices
// (see SecretGroup).

/** The pointer segments, from a deployer's root, of each place where a source may hold a `helm` block. */
function sourcesOf(node: Record<string, unknown>): [unknown, string[]][] {
  const apiVersion = typeof node.apiVersion === "string" ? node.apiVersion : "";
  if (!apiVersion.startsWith("argoproj.io/")) return [];
  const spec = node.kind === "Application" ? node.spec : node.kind === "ApplicationSet" && isRecord(node.spec) && isRecord(node.spec.template) ? node.spec.template.spec : undefined;
  if (!isRecord(spec)) return [];
  const at = node.kind === "Application" ? ["spec"] : ["spec", "template", "spec"];
  const sources: [unknown, string[]][] = [[spec.source, [...at, "source"]]];
  if (Array.isArray(spec.sources)) spec.sources.forEach((source, i) => sources.push([source, [...at, "sources", String(i)]]));
  return sources;
}

const isHelmRelease = (node: Record<string, unknown>) =>
  node.kind === "HelmRelease" && typeof node.apiVersion === "string" && node.apiVersion.startsWith("helm.toolkit.fluxcd.io/");

/**
 * Only these kinds hold inline values: every other node is passed over before anything is allocated
 * (the secrets of every document's every node are looked for this way).
 */
const deployer = (node: unknown): node is Record<string, unknown> =>
  isRecord(node) && (node.kind === "Application" || node.kind === "ApplicationSet" || node.kind === "HelmRelease");

/** True when `segments` from `from` on (a pointer's, below `node`) go through values written inline in `node`. */
export function isInlineHelmValues(node: unknown, segments: readonly string[], from: number): boolean {
  if (!deployer(node)) return false;
  if (isHelmRelease(node)) return segments[from] === "spec" && segments[from + 1] === "values";
  return sourcesOf(node).some(([, at]) => {
    const end = from + at.length;
    if (!at.every((segment, i) => segments[from + i] === segment) || segments[end] !== "helm") return false;
    const key = segments[end + 1];
    return key === "values" || key === "valuesObject" || (key === "parameters" && segments[end + 3] === "value");
  });
}

const none = Object.freeze({ yaml: Object.freeze([]) as readonly string[], values: Object.freeze([]) as readonly unknown[] });

/**
 * The values written inline in `node`, each with where it is: a `helm.values` string as it is (the
 * caller reads the YAML in it), the rest as the values they are.
 */
export function inlineHelmValues(node: unknown): { yaml: readonly string[]; values: readonly unknown[] } {
  if (!deployer(node)) return none;
  const found = { yaml: [] as string[], values: [] as unknown[] };
  if (isHelmRelease(node)) {
    if (isRecord(node.spec) && node.spec.values !== undefined) found.values.push(node.spec.values);
    return found;
  }
  for (const [source] of sourcesOf(node)) {
    const helm = isRecord(source) && isRecord(source.helm) ? source.helm : undefined;
    if (!helm) continue;
    if (typeof helm.values === "string") found.yaml.push(helm.values);
    else if (helm.values !== undefined) found.values.push(helm.values);
    if (helm.valuesObject !== undefined) found.values.push(helm.valuesObject);
    if (Array.isArray(helm.parameters)) for (const parameter of helm.parameters) if (isRecord(parameter) && parameter.value !== undefined) found.values.push(parameter.value);
  }
  return found;
}

/** True when `node` holds values written inline (see inlineHelmValues). */
export function holdsInlineHelmValues(node: unknown): boolean {
  const { yaml, values } = inlineHelmValues(node);
  return yaml.length > 0 || values.length > 0;
}
