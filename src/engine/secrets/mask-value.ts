import type { MaskedValue } from "../diff/diff-types.js";
import { pointerSegments } from "../parse/locate.js";
import { mapTree, segmentsOf, type Trail } from "../value-tree.js";
import { looksLikeSecret } from "./secret-patterns.js";
import { mayTurnSecretAt, type Sensitivity } from "./sensitive-paths.js";

export function masked(value: unknown): MaskedValue {
  return { masked: true, length: typeof value === "string" ? value.length : JSON.stringify(value ?? null).length };
}

export function isMasked(value: unknown): value is MaskedValue {
  return value !== null && typeof value === "object" && (value as { masked?: unknown }).masked === true;
}

/** Where a value sits: in document `doc`, at `pointer`. */
export interface ValuePlace {
  doc: unknown;
  pointer: string;
}

/**
 * A copy of `value` fit to show: secret parts replaced by their length, structure and key names kept,
 * so a reader sees that a key changed but never to what. A value can be seen from more than one place
 * (a field of the base and of the head version): it is secret if it is secret at any of them. The value
 * itself is judged from the document's root; a node below it only when its key may turn a path secret
 * (mayTurnSecretAt), its parent having been judged not: judged from the root each, the nodes of a
 * document nested deep under long keys took a minute.
 */
export function maskValue(value: unknown, places: readonly ValuePlace[], path: string, sensitivity: Sensitivity): unknown {
  const at = places.map((place) => ({ doc: place.doc, segments: pointerSegments(place.pointer) }));
  const secret = (trail: Trail | undefined, parent: unknown) => {
    // The keys above a node run from its trail into its place's pointer: the value may be a document's inner map.
    if (trail !== undefined && !at.some((place) => mayTurnSecretAt(trail.segment, parent, [above(trail, place.segments, 1), above(trail, place.segments, 2)]))) return false;
    const below = segmentsOf(trail);
    return at.some((place) => sensitivity.isSensitive(path, place.doc, [...place.segments, ...below]));
  };
  return mapTree(value, (node, trail, parent) => {
    if (secret(trail, parent)) return { replace: maskAll(node) };
    if (typeof node === "string" && looksLikeSecret(node)) return { replace: masked(node) };
    return "descend";
  });
}

/** The key `steps` levels above the trail's own: up the trail, then up the pointer of the value's place. */
function above(trail: Trail, place: readonly string[], steps: number): string | undefined {
  let at = trail;
  for (let step = 0; step < steps; step++) {
    if (at.up === undefined) return place[place.length - (steps - step)];
    at = at.up;
  }
  return at.segment;
}

function maskAll(value: unknown): unknown {
  return mapTree(value, (node) => (node !== null && typeof node === "object" ? "descend" : { replace: node === null || node === undefined ? node : masked(node) }));
}
