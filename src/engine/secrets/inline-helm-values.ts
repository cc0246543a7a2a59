import { isRecord, nodes } from "../value-tree.js";

// Helm values written into the object that deploys a chart: an Argo CD Application's (or an
// ApplicationSet template's, its generators' templates' included) `helm.values`, `helm.valuesObject`
// and `helm.parameters[].value`, an ApplicationSet's `templatePatch`, a Flux HelmRelease's
// `spec.values`. They are values as a values file's are, and most of them go to charts from Helm
// repositories, which no render here traces: like a values file no render traced, they are masked in
// the preview and no source line of their file is shown. They are values that may be secrets, not
// values known to be: scrubbed from other output where they appear whole, not by their slices (see
// SecretGroup).

const isArgo = (node: Record<string, unknown>) => typeof node.apiVersion === "string" && node.apiVersion.startsWith("argoproj.io/");

/** Flux's HelmRelease, of helm-controller (`helm.toolkit.fluxcd.io`) or of Flux v1's operator (`helm.fluxcd.io`). */
const isHelmRelease = (node: Record<string, unknown>) =>
  node.kind === "HelmRelease" && typeof node.apiVersion === "string" && (node.apiVersion.startsWith("helm.toolkit.fluxcd.io/") || node.apiVersion.startsWith("helm.fluxcd.io/"));

/**
 * Only these kinds hold inline values: every other node is passed over before anything is allocated
 * (the secrets of every document's every node are looked for this way).
 */
const deployer = (node: unknown): node is Record<string, unknown> =>
  isRecord(node) && (node.kind === "Application" || node.kind === "ApplicationSet" || node.kind === "HelmRelease");

const isIndex = (segment: string | undefined) => segment !== undefined && /^\d+$/.test(segment);

/** True when `segments` from `at` on go `source` (or `sources/N`), `helm`, then into its values. */
function throughHelmValues(segments: readonly string[], at: number): boolean {
  let i = at;
  if (segments[i] === "source") i += 1;
  else if (segments[i] === "sources" && isIndex(segments[i + 1])) i += 2;
  else return false;
  if (segments[i] !== "helm") return false;
  const key = segments[i + 1];
  return key === "values" || key === "valuesObject" || (key === "parameters" && segments[i + 3] === "value");
}

/**
 * True when `segments` from `from` on (a pointer's, below `node`) go through values written inline in
 * `node`. Compares segments in place, allocating nothing: the preview asks it of every node of a
 * document it masks.
 */
export function isInlineHelmValues(node: unknown, segments: readonly string[], from: number): boolean {
  if (!deployer(node) || segments[from] !== "spec") return false;
  if (isHelmRelease(node)) return segments[from + 1] === "values";
  if (!isArgo(node)) return false;
  if (node.kind === "Application") return throughHelmValues(segments, from + 1);
  if (node.kind !== "ApplicationSet") return false;
  const below = segments[from + 1];
  if (below === "templatePatch") return true;
  if (below === "template") return segments[from + 2] === "spec" && throughHelmValues(segments, from + 3);
  if (below !== "generators") return false;
  // A generator's own template, at any depth of nested generators (matrix, merge).
  for (let i = from + 2; i + 1 < segments.length; i++) if (segments[i] === "template" && segments[i + 1] === "spec" && throughHelmValues(segments, i + 2)) return true;
  return false;
}

const none = Object.freeze({ yaml: Object.freeze([]) as readonly string[], values: Object.freeze([]) as readonly unknown[] });

/**
 * The values written inline in `node`: each `helm.values` string and `templatePatch` as it is (the
 * caller reads the YAML in it), the rest as the values they are.
 */
export function inlineHelmValues(node: unknown): { yaml: readonly string[]; values: readonly unknown[] } {
  if (!deployer(node) || !isRecord(node.spec)) return none;
  const spec = node.spec;
  const found = { yaml: [] as string[], values: [] as unknown[] };
  if (isHelmRelease(node)) {
    if (spec.values !== undefined) found.values.push(spec.values);
    return found;
  }
  if (!isArgo(node)) return none;
  const fromSpec = (appSpec: unknown) => {
    if (!isRecord(appSpec)) return;
    for (const source of [appSpec.source, ...(Array.isArray(appSpec.sources) ? appSpec.sources : [])]) {
      const helm = isRecord(source) && isRecord(source.helm) ? source.helm : undefined;
      if (!helm) continue;
      if (typeof helm.values === "string") found.yaml.push(helm.values);
      else if (helm.values !== undefined) found.values.push(helm.values);
      if (helm.valuesObject !== undefined) found.values.push(helm.valuesObject);
      if (Array.isArray(helm.parameters)) for (const parameter of helm.parameters) if (isRecord(parameter) && parameter.value !== undefined) found.values.push(parameter.value);
    }
  };
  if (node.kind === "Application") fromSpec(spec);
  else if (node.kind === "ApplicationSet") {
    if (isRecord(spec.template)) fromSpec(spec.template.spec);
    if (typeof spec.templatePatch === "string") found.yaml.push(spec.templatePatch);
    for (const generator of nodes(spec.generators)) if (isRecord(generator) && isRecord(generator.template)) fromSpec(generator.template.spec);
  }
  return found;
}

/** True when `node` holds values written inline (see inlineHelmValues). */
export function holdsInlineHelmValues(node: unknown): boolean {
  const { yaml, values } = inlineHelmValues(node);
  return yaml.length > 0 || values.length > 0;
}
