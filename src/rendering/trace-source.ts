import { posix } from "node:path";
import type { FileContent } from "../engine/change-set.js";
import { kubernetesObject } from "../engine/document-identity.js";
import { fileStart, type Span } from "../engine/finding.js";
import { joinPointer, pointerSegments } from "../engine/parse/locate.js";
import { parseFile } from "../engine/parse/parse-file.js";
import { defaultParseLimits } from "../engine/parse/parse-limits.js";
import type { ParsedDocument } from "../engine/parse/parsed-document.js";
import { kustomizationNames } from "../engine/gitops-files.js";
import { resolveRef } from "./kustomization-refs.js";
import type { RenderTarget } from "./render-types.js";

/** Where a finding in rendered output comes from in the repository. */
export interface TracedSource extends Span {
  path: string;
  /** How it was traced: shown to the reader, so a fallback is not taken for a precise answer. */
  via: "values" | "kustomization" | "patch" | "resource" | "template" | "target";
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Traces a field of a rendered object back to the line that produced it, when it can be told:
 * - Kustomize: an `images:` entry (the container image), a patch that sets the field, `replicas:`,
 *   `namespace:`, else the resource file the object came from (kustomize's origin) where it has the field;
 * - Helm: the values key (last values source first, down to the chart's values.yaml) whose name is the
 *   field's and whose value is the field's value, or is part of it (an image tag in `repo:tag`), else
 *   the template the object came from: the field's line when the template reads as YAML, else line 1;
 * else the target's kustomization or Chart.yaml, line 1 (the message names the object and field).
 */
export class SourceTracer {
  private readonly parsed = new Map<string, ParsedDocument[]>();

  constructor(private readonly target: RenderTarget, private readonly sources: ReadonlyMap<string, FileContent>, private readonly origins: readonly string[] | undefined) {}

  trace(rendered: unknown, documentIndex: number, pointer: string): TracedSource {
    const segments = pointerSegments(pointer);
    if (this.target.kind === "kustomize") return this.kustomize(rendered, documentIndex, segments) ?? { path: this.target.file, ...fileStart, via: "target" };
    // A template that is not YAML on its own (most are not) still says which file made the object.
    const template = this.origins?.[documentIndex];
    return this.helm(rendered, segments) ?? this.inOrigin(rendered, documentIndex, segments, "template")
      ?? (template ? { path: template, ...fileStart, via: "template" } : { path: this.target.file, ...fileStart, via: "target" });
  }

  private docs(path: string): ParsedDocument[] {
    let docs = this.parsed.get(path);
    if (!docs) {
      const content = this.sources.get(path);
      docs = content ? parseFile(path, content, defaultParseLimits, "auto").documents.filter((d) => d.valid) : [];
      this.parsed.set(path, docs);
    }
    return docs;
  }

  /** The kustomizations of the target, the root's first (an overlay's setting wins over its base's). */
  private kustomizations(): [string, Obj, ParsedDocument][] {
    const out: [string, Obj, ParsedDocument][] = [];
    for (const folder of this.target.dependsOn.folders) {
      for (const name of kustomizationNames) {
        const path = folder === "" ? name : `${folder}/${name}`;
        const doc = this.docs(path)[0];
        if (doc && isObj(doc.value)) {
          out.push([path, doc.value, doc]);
          break;
        }
      }
    }
    return out;
  }

  private kustomize(rendered: unknown, documentIndex: number, segments: string[]): TracedSource | undefined {
    const object = kubernetesObject(rendered);
    const leaf = valueAt(rendered, segments);
    const last = segments[segments.length - 1];
    for (const [path, k, doc] of this.kustomizations()) {
      const dir = posix.dirname(path) === "." ? "" : posix.dirname(path);
      if (last === "image" && typeof leaf === "string" && Array.isArray(k.images)) {
        const name = imageName(leaf);
        const i = k.images.findIndex((e) => isObj(e) && (e.newName === name || e.name === name));
        if (i >= 0) {
          const entry = k.images[i] as Obj;
          const field = ["digest", "newTag", "newName"].find((f) => entry[f] !== undefined) ?? "name";
          return { path, ...doc.locate(joinPointer(["images", i, field])), via: "kustomization" };
        }
      }
      if (object && segments.join("/") === "spec/replicas" && Array.isArray(k.replicas)) {
        const i = k.replicas.findIndex((e) => isObj(e) && typeof e.name === "string" && object.name.includes(e.name));
        if (i >= 0) return { path, ...doc.locate(joinPointer(["replicas", i, "count"])), via: "kustomization" };
      }
      if (segments.join("/") === "metadata/namespace" && typeof k.namespace === "string") return { path, ...doc.locate("/namespace"), via: "kustomization" };
      const patched = object ? this.patch(dir, path, k, doc, object, rendered, segments) : undefined;
      if (patched) return patched;
    }
    return this.inOrigin(rendered, documentIndex, segments, "resource");
  }

  /**
   * The field in the file the object came from (`origins`: kustomize's resource file, or a chart's
   * template), when that file reads as YAML and holds the object (same kind, a name the rendered name
   * contains): the field's line, else its nearest ancestor's.
   */
  private inOrigin(rendered: unknown, documentIndex: number, segments: string[], via: "resource" | "template"): TracedSource | undefined {
    const origin = this.origins?.[documentIndex];
    const object = kubernetesObject(rendered);
    if (!origin || !object) return undefined;
    for (const doc of this.docs(origin)) {
      const source = kubernetesObject(doc.value);
      if (!source || source.kind !== object.kind || !object.name.includes(source.name)) continue;
      const matched = follow(doc.value, rendered, segments, true);
      if (matched) return { path: origin, ...doc.locate(joinPointer(matched)), via };
    }
    return undefined;
  }

  /** A patch of kustomization `k` that sets the field: the patch file's line, or the inline patch's line in `k`. */
  private patch(dir: string, path: string, k: Obj, doc: ParsedDocument, object: { kind: string; name: string }, rendered: unknown, segments: string[]): TracedSource | undefined {
    const entries: { file?: string; inlineAt?: string; target?: unknown }[] = [];
    if (Array.isArray(k.patches)) k.patches.forEach((p, i) => {
      if (!isObj(p)) return;
      if (typeof p.path === "string") entries.push({ file: resolveRef(dir, p.path) ?? "", target: p.target });
      else if (typeof p.patch === "string") entries.push({ inlineAt: joinPointer(["patches", i, "patch"]), target: p.target });
    });
    if (Array.isArray(k.patchesStrategicMerge)) k.patchesStrategicMerge.forEach((p) => typeof p === "string" && !p.includes("\n") && entries.push({ file: resolveRef(dir, p) ?? "" }));
    for (const entry of entries) {
      if (isObj(entry.target) && ((entry.target.kind !== undefined && entry.target.kind !== object.kind) || (typeof entry.target.name === "string" && !object.name.includes(entry.target.name)))) continue;
      const patchDocs = entry.file ? this.docs(entry.file) : parseInline(path, k, entry.inlineAt!);
      for (const patchDoc of patchDocs) {
        const value = patchDoc.value;
        if (Array.isArray(value)) {
          // JSON 6902: the operation whose path is the field or holds it.
          const pointer = "/" + segments.join("/");
          const op = value.findIndex((o) => isObj(o) && typeof o.path === "string" && (pointer === o.path || pointer.startsWith(`${o.path}/`)));
          if (op >= 0) return entry.file ? { path: entry.file, ...patchDoc.locate(joinPointer([op])), via: "patch" } : { path, ...doc.locate(entry.inlineAt!), via: "patch" };
          continue;
        }
        const source = kubernetesObject(value);
        if (isObj(value) && (value.kind !== undefined && value.kind !== object.kind)) continue;
        if (source && !object.name.includes(source.name)) continue;
        const matched = follow(value, rendered, segments, false);
        if (matched) return entry.file ? { path: entry.file, ...patchDoc.locate(joinPointer(matched)), via: "patch" } : { path, ...doc.locate(entry.inlineAt!), via: "patch" };
      }
    }
    return undefined;
  }

  private helm(rendered: unknown, segments: string[]): TracedSource | undefined {
    const leaf = valueAt(rendered, segments);
    const name = [...segments].reverse().find((s) => !/^\d+$/.test(s));
    if (name === undefined) return undefined;
    const layers: { path: string; doc: ParsedDocument; prefix: (string | number)[] }[] = [];
    const chartValues = posix.join(this.target.root, "values.yaml");
    for (const source of [{ path: chartValues }, ...(this.target.values ?? [])]) {
      if ("path" in source) {
        const doc = this.docs(source.path)[0];
        if (doc) layers.push({ path: source.path, doc, prefix: [] });
      } else {
        const doc = this.docs(source.file).find((d) => valueAt(d.value, pointerSegments(source.pointer)) !== undefined);
        const value = doc ? valueAt(doc.value, pointerSegments(source.pointer)) : undefined;
        // Values written as a string (Argo CD `helm.values`) point at that string; as an object, at their key.
        if (doc && typeof value === "string") layers.push({ path: source.file, doc: { ...doc, value: undefined, locate: () => doc.locate(source.pointer) }, prefix: [] });
        else if (doc) layers.push({ path: source.file, doc: { ...doc, value }, prefix: pointerSegments(source.pointer) });
      }
    }
    // The last layer wins in Helm's merge, so it is searched first; an exact match before a partial one.
    for (const exact of [true, false]) {
      for (const layer of [...layers].reverse()) {
        const hit = findValue(layer.doc.value, name, leaf, exact);
        if (hit) return { path: layer.path, ...layer.doc.locate(joinPointer([...layer.prefix, ...hit])), via: "values" };
      }
    }
    return undefined;
  }
}

function parseInline(path: string, k: Obj, pointer: string): ParsedDocument[] {
  const text = valueAt(k, pointerSegments(pointer));
  if (typeof text !== "string") return [];
  return parseFile(path, { kind: "text", text, size: text.length }, defaultParseLimits, "auto").documents.filter((d) => d.valid);
}

function valueAt(value: unknown, segments: readonly string[]): unknown {
  let node = value;
  for (const s of segments) {
    if (Array.isArray(node)) node = node[Number(s)];
    else if (isObj(node) && Object.hasOwn(node, s)) node = node[s];
    else return undefined;
  }
  return node;
}

/**
 * Follows the rendered field's path through a source object (a patch or the resource file), matching
 * list items by their `name` as strategic merge does. Returns the source's path to the field, or, with
 * `ancestor`, to the deepest part of it that exists (the finding may be about a field nobody wrote).
 */
function follow(source: unknown, rendered: unknown, segments: readonly string[], ancestor: boolean): (string | number)[] | undefined {
  const path: (string | number)[] = [];
  let node = source;
  let mirror = rendered;
  for (const s of segments) {
    if (Array.isArray(node) && Array.isArray(mirror)) {
      const want = mirror[Number(s)] as unknown;
      const key = isObj(want) && typeof want.name === "string" ? want.name : undefined;
      const i = key !== undefined ? node.findIndex((item) => isObj(item) && item.name === key) : node.length === mirror.length ? Number(s) : -1;
      if (i < 0) return ancestor && path.length > 0 ? path : undefined;
      path.push(i);
      node = node[i];
      mirror = want;
    } else if (isObj(node) && Object.hasOwn(node, s)) {
      path.push(s);
      node = node[s];
      mirror = isObj(mirror) ? mirror[s] : undefined;
    } else {
      return ancestor && path.length > 0 ? path : undefined;
    }
  }
  return path;
}

/** A values key named `name` whose value is `leaf` (exact), or a string that `leaf` contains (partial). */
function findValue(values: unknown, name: string, leaf: unknown, exact: boolean): (string | number)[] | undefined {
  const stack: [unknown, (string | number)[]][] = [[values, []]];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (Array.isArray(node)) node.forEach((v, i) => stack.push([v, [...path, i]]));
    else if (isObj(node)) {
      for (const [key, v] of Object.entries(node)) {
        const here = [...path, key];
        if (exact && key === name && sameScalar(v, leaf)) return here;
        if (!exact && typeof v === "string" && v.length >= 2 && typeof leaf === "string" && leaf.includes(v) && here.some((p) => p === name || (typeof p === "string" && name.toLowerCase().includes(p.toLowerCase())))) return here;
        stack.push([v, here]);
      }
    }
  }
  return undefined;
}

function sameScalar(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return (a !== null && typeof a === "object") || (b !== null && typeof b === "object") ? JSON.stringify(a) === JSON.stringify(b) : String(a) === String(b) && a !== undefined && b !== undefined;
}

/** `repo/name:tag@digest` → `repo/name`. */
function imageName(image: string): string {
  const withoutDigest = image.split("@")[0]!;
  const slash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}
