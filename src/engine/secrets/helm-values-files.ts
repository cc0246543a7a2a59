import { posix } from "node:path";
import type { ChangeSet } from "../change-set.js";
import { isKind } from "../document-identity.js";
import { parseFile } from "../parse/parse-file.js";
import { defaultParseLimits } from "../parse/parse-limits.js";
import { nodes } from "../value-tree.js";
import type { RenderOutcome } from "../../rendering/render-types.js";

/** A values file, by the names charts keep them under: `values.yaml`, `values-prod.yaml`, `prod.values.yml`. */
const valuesName = /^(?:[^/]*[-._])?values(?:[-._][^/]*)?\.ya?ml$/i;

/**
 * The Helm values files of a change whose values must be treated as secret whole. A chart's template
 * may put any value into a Secret, as it is (`stringData: {{ .Values.db.conn }}`, scrubbed everywhere
 * as a rendered Secret's value) or changed past recognition (`htpasswd`, `b64enc` into `stringData`,
 * a short password inside a URL): only a render tells which values, and not always in a form that can
 * be looked for. So a values file is shown as it is only when every version of it the change holds went
 * through Helm renders that all succeeded and made no Secret. Otherwise (rendering off, a `validate`, a
 * render that failed, a chart that makes Secrets, a file no render used) its values are masked like a
 * `preview.redact` file's: the preview still says which keys changed.
 *
 * The values files known: a chart's own (named as values files are, beside a `Chart.yaml` of `charts`),
 * those a rendered target is given (an Argo CD Application's `valueFiles`, wherever they are), and any
 * file named as values files are that the change removes or moves away (what chart it belonged to is
 * not looked up for a path the head no longer has).
 */
export function untracedHelmValues(changes: Pick<ChangeSet, "files" | "rendered"> | undefined, charts: readonly string[]): (path: string) => boolean {
  const chartRoots = new Set(charts);
  const traced = new Set<string>();
  const untraced = new Set<string>();
  const atBase = new Set(changes?.files.flatMap((f) => (f.before !== undefined ? [f.path, f.previousPath ?? f.path] : [])));
  const gone = new Set(changes?.files.flatMap((f) => (f.status === "removed" ? [f.path] : f.previousPath !== undefined ? [f.previousPath] : [])));
  for (const { target, base, head } of changes?.rendered?.targets ?? []) {
    if (target.kind !== "helm") continue;
    // Helm reads a chart's defaults from `values.yaml` alone; a `values.yml` beside it is no chart's until a target names it.
    const files = [inFolder(target.root, "values.yaml"), ...(target.values ?? []).flatMap((source) => ("path" in source ? [normalized(source.path)] : []))];
    const shown = rendersNoSecret(head) && (base === undefined || rendersNoSecret(base));
    // Rendered at the head only: a version of the file at the base went through no render.
    for (const file of files) (shown && (base !== undefined || !atBase.has(file)) ? traced : untraced).add(file);
  }
  const named = (path: string) => valuesName.test(posix.basename(path));
  const inChart = (path: string) => chartRoots.has(posix.dirname(path) === "." ? "" : posix.dirname(path));
  // One render that failed, or made a Secret, is enough: the file's values may be in it unrecognisably.
  return (path) => untraced.has(path) || (!traced.has(path) && named(path) && (inChart(path) || gone.has(path)));
}

/** A render that succeeded and made no Secret (decided on the parsed output, not on its text). */
function rendersNoSecret(outcome: RenderOutcome | undefined): boolean {
  if (outcome?.ok !== true) return false;
  const parsed = parseFile("rendered.yaml", { kind: "text", text: outcome.yaml, size: outcome.yaml.length }, defaultParseLimits);
  if (parsed.findings.some((f) => f.severity === "error") || parsed.documents.some((doc) => !doc.valid)) return false;
  for (const doc of parsed.documents) for (const node of nodes(doc.value)) if (isKind(node, "Secret")) return false;
  return true;
}

const inFolder = (folder: string, name: string) => (folder === "" || folder === "." ? name : `${folder}/${name}`);
const normalized = (path: string) => posix.normalize(path).replace(/^(?:\.\/)+/, "");
