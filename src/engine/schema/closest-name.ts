import { editDistance } from "../edit-distance.js";

/** Longer names get no suggestion (Kubernetes' longest field names are about 40 characters). */
const maxNameLength = 128;

/**
 * The known name a misspelt `name` most likely meant, or undefined when none is close: at most one
 * edit per three characters (so `selectr` → `selector`, `replica` → `replicas`), ignoring case
 * (`ContainerPort` → `containerPort`).
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  // No field name is this long: a key of a megabyte would cost seconds per candidate.
  if (name.length > maxNameLength) return undefined;
  for (const candidate of known) {
    // The distance is at least the difference in length: most candidates need no table.
    if (Math.abs(candidate.length - name.length) > limit) continue;
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
