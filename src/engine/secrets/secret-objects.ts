import { isContainer, isRecord } from "../value-tree.js";

/**
 * What counts as a Secret, and which of its fields hold its values. Wider than what the API server
 * accepts, on purpose: a look-alike it refuses or a field it drops was still written by someone who
 * meant a Secret, with the values they meant to keep secret. Masking a look-alike costs little.
 */

/** Kinds found, by map: a map with many keys is asked about once, not once per key below it. */
const kinds = new WeakMap<Record<string, unknown>, string>();

/**
 * The `kind` of a map, under a `kind` key in any case, trimmed and in lower case; "" when it has none,
 * or one that is no string (kubectl reads a null, a number or a blank kind as none).
 */
function kindOf(node: Record<string, unknown>): string {
  let kind = kinds.get(node);
  if (kind === undefined) {
    const value = typeof node.kind === "string" ? node.kind : node[Object.keys(node).find((key) => key.toLowerCase() === "kind") ?? "kind"];
    kind = typeof value === "string" ? value.trim().toLowerCase() : "";
    kinds.set(node, kind);
  }
  return kind;
}

/** A map that names a kind (a non-blank string under a `kind` key in any case). */
export const hasKind = (node: Record<string, unknown>) => kindOf(node) !== "";

/** A Secret: `kind: Secret` spelt in any case, with spaces around it, under a `kind` key in any case. */
export function isSecretObject(node: unknown): node is Record<string, unknown> {
  return isRecord(node) && kindOf(node) === "secret";
}

/**
 * The items of a `SecretList` that name no kind of their own: kubectl reads each as the list's kind
 * less "List", a Secret. Empty for anything else.
 */
export function kindlessSecretItems(node: unknown): Record<string, unknown>[] {
  if (!isRecord(node) || kindOf(node) !== "secretlist" || !Array.isArray(node.items)) return [];
  return node.items.filter((item): item is Record<string, unknown> => isRecord(item) && !hasKind(item));
}

/** True when `node` is a Secret, or a kind-less item of a SecretList (`list`: the map whose `items` hold `node`, if any). */
export function isSecretAt(node: unknown, list: unknown): node is Record<string, unknown> {
  return isSecretObject(node) || (isRecord(node) && !hasKind(node) && isRecord(list) && kindOf(list) === "secretlist");
}

/** Fields of a Secret that hold no value of it while they hold a scalar (in any case). */
const scalarShapeFields = new Set(["apiversion", "kind", "type", "immutable"]);

/** ObjectMeta's fields: any other key under a Secret's `metadata` is a misplaced field of the Secret. */
export const objectMetaFields = new Set([
  "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
  "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields", "clusterName",
]);

/**
 * Whether field `segment` of Secret `secret` holds its values: `data` and `stringData`, whatever a typo
 * makes of them (`stringdata:`, `datas:`), and a shape field holding a map or list (`type:` with
 * `stringData:` indented under it). `metadata` holds none itself: only its keys that are no field of
 * ObjectMeta do (see isMisplacedInMetadata).
 */
export function isSecretValueField(secret: Record<string, unknown>, segment: string): boolean {
  if (segment === "metadata") return !isRecord(secret.metadata);
  return !scalarShapeFields.has(segment.toLowerCase()) || isContainer(secret[segment]);
}

/** A key under a Secret's `metadata` that is no field of ObjectMeta (`stringData:` indented one level too deep). */
export const isMisplacedInMetadata = (segment: string) => !objectMetaFields.has(segment);

/** The values a Secret holds other than in `data`: stringData, typos of either, misplaced fields. */
export function otherSecretValues(secret: Record<string, unknown>): unknown[] {
  const values = Object.keys(secret).filter((key) => key !== "data" && isSecretValueField(secret, key)).map((key) => secret[key]);
  if (isRecord(secret.metadata)) for (const key of Object.keys(secret.metadata)) if (isMisplacedInMetadata(key)) values.push(secret.metadata[key]);
  return values;
}
