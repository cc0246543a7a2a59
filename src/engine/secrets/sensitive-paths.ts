import { createMatcher } from "../../config/check-globs.js";
import { isInlineSecretPatch } from "../gitops-files.js";
import { isRecord } from "../value-tree.js";
import { hasKind, isMisplacedInMetadata, isSecretAt, isSecretObject, isSecretValueField } from "./secret-objects.js";
import { isInlineHelmValues } from "./inline-helm-values.js";

export const lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

/** Decides which parts of which documents are secret. */
export interface Sensitivity {
  /** True when everything at `segments` (a pointer's, root first) in this document is secret. */
  isSensitive(path: string, doc: unknown, segments: readonly string[]): boolean;
  /** True when the whole file is redacted (`preview.redact`). */
  isRedacted(path: string): boolean;
}

/**
 * Kubernetes Secret `data` and `stringData` (and any field of a Secret but its kind, metadata and type),
 * the last-applied-configuration annotation (it repeats the
 * whole object, secrets included), and every value of files matched by `preview.redact` or by
 * `alsoRedacted` (Helm values no render traced, see untracedHelmValues). A Secret is a Secret wherever
 * it sits: the document itself, an item of a `List`, or deeper.
 */
export function createSensitivity(redact: readonly string[], alsoRedacted: (path: string) => boolean): Sensitivity {
  const matched = redact.length > 0 ? createMatcher(redact) : () => false;
  const redacted = (path: string) => matched(path) || alsoRedacted(path);
  return {
    isRedacted: redacted,
    isSensitive: (path, doc, segments) => redacted(path) || isSecretPath(doc, segments),
  };
}

/**
 * The literals of a kustomization's `secretGenerator` (`DB_PASSWORD=…`): each is a Secret value, whether
 * or not the kustomization is rendered. Any document with a top-level `secretGenerator` list counts,
 * whatever its file name: masking a look-alike costs less than trusting a name.
 */
export function generatorLiterals(doc: unknown): string[] {
  // Kustomize reads its fields whatever their case (`SecretGenerator:`, `Literals:`): every spelling counts.
  return anyCase(doc, "secretgenerator").flatMap((generators) => (Array.isArray(generators) ? generators : []).flatMap((generator) =>
    anyCase(generator, "literals").flatMap((literals) => (Array.isArray(literals) ? literals.filter((literal): literal is string => typeof literal === "string") : []))));
}

/** The values of every key of `value` that is `lowerName` in any case. */
function anyCase(value: unknown, lowerName: string): unknown[] {
  return isRecord(value) ? Object.keys(value).filter((key) => key.toLowerCase() === lowerName).map((key) => value[key]) : [];
}

/**
 * A document that is one string: a file that reads as bare text, not as a map or a list (an env file,
 * a key, a password, a certificate). It is some program's data, and often a Secret's (a generator's
 * data the kustomizations Gitgate knows of do not name): it is treated as secret whole.
 */
export function isBareText(doc: unknown): doc is string {
  return typeof doc === "string";
}

/**
 * The segments at which a path can first become secret: every condition of isSecretPath ends on one of
 * them (never on an index) or on a field of a Secret, so below a path that is not secret a node is
 * secret only when its own key is one of these or it is such a field. A condition added there must
 * end on one of them, or be added to mayTurnSecretAt.
 */
const secretEnds = new Set(["data", "stringdata", "values", "valuesobject", "value", "templatepatch", "literals", "patch", lastAppliedAnnotation]);

/**
 * Whether a node whose parent's path is not secret may be: by its own key in any case (see
 * secretEnds), as a field of a Secret (`parent`) that holds its values, as a key under a `metadata`
 * that is no field of ObjectMeta, or as a field of a kind-less item of a list (a SecretList's item is a
 * Secret). `above` are the keys above the node's own, nearest first, as far as its document root (two
 * are enough). The last two only ask for the walk from the root that tells.
 */
export function mayTurnSecretAt(segment: string, parent: unknown, above: readonly (string | undefined)[]): boolean {
  if (secretEnds.has(segment.toLowerCase())) return true;
  if (isSecretObject(parent) && isSecretValueField(parent, segment)) return true;
  const [up, upper] = above;
  if (up === "metadata" && isMisplacedInMetadata(segment)) return true;
  return upper === "items" && up !== undefined && /^\d+$/.test(up) && isRecord(parent) && !hasKind(parent);
}

/**
 * True when `segments` (a pointer's, root first) go through the data of a Secret, through a
 * last-applied annotation, through a secretGenerator's literals, through a patch a kustomization writes
 * inline for a Secret (see inlineSecretPatches), or through Helm values written inline in an Application
 * or HelmRelease (see inline-helm-values.ts), in `doc`, or `doc` is bare text.
 */
export function isSecretPath(doc: unknown, segments: readonly string[]): boolean {
  if (isBareText(doc)) return true;
  if (segments[0]?.toLowerCase() === "secretgenerator" && segments[2]?.toLowerCase() === "literals" && generatorLiterals(doc).length > 0) return true;
  if (isInlineSecretPatch(doc, segments)) return true;
  let node = doc;
  // The map whose `items` node is (while node is that list), and the one whose items node is one of.
  let itemsOf: unknown;
  let list: unknown;
  for (const [i, segment] of segments.entries()) {
    if (isSecretAt(node, list)) {
      if (isSecretValueField(node, segment)) return true;
      const next = segments[i + 1];
      if (segment === "metadata" && next !== undefined && isMisplacedInMetadata(next)) return true;
    }
    if (isInlineHelmValues(node, segments, i)) return true;
    if (segment === "metadata" && segments[i + 1] === "annotations" && segments[i + 2] === lastAppliedAnnotation) return true;
    const parent = node;
    node = isRecord(node) ? (Object.hasOwn(node, segment) ? node[segment] : undefined) : Array.isArray(node) ? node[Number(segment)] : undefined;
    list = Array.isArray(parent) ? itemsOf : undefined;
    itemsOf = segment === "items" && isRecord(parent) ? parent : undefined;
  }
  return false;
}

/**
 * A Secret as a reader should compare it: `stringData` folded into `data` (the API server does the
 * same) and `data` decoded, so moving a key between the two, or re-encoding it, is no change. The
 * Secrets among a List's items are folded the same way.
 */
export function foldSecret(doc: unknown): unknown {
  if (!isSecretObject(doc) && isRecord(doc) && Array.isArray(doc.items) && doc.items.some((item) => isSecretAt(item, doc))) {
    return { ...doc, items: doc.items.map((item) => (isSecretAt(item, doc) ? foldOne(item) : item)) };
  }
  return isSecretObject(doc) ? foldOne(doc) : doc;
}

function foldOne(doc: unknown): unknown {
  const { data, stringData, ...rest } = doc as { data?: unknown; stringData?: unknown };
  // A Map, then fromEntries: a key such as __proto__ stays a key, as it is to the API server.
  const folded = new Map<string, unknown>();
  if (isRecord(data)) for (const [key, value] of Object.entries(data)) folded.set(key, typeof value === "string" ? decodeBase64(value) : value);
  if (isRecord(stringData)) for (const [key, value] of Object.entries(stringData)) folded.set(key, value);
  return data === undefined && stringData === undefined ? rest : { ...rest, data: Object.fromEntries(folded) };
}

export function decodeBase64(value: string): string {
  const compact = value.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return value;
  return Buffer.from(compact, "base64").toString("utf8");
}
