import { editDistance } from "../edit-distance.js";

/**
 * The known name a misspelt `name` most likely meant, or undefined when none is close: at most one
 * edit per three characters (so `selectr` → `selector`, `replica` → `replicas`), ignoring case
 * (`ContainerPort` → `containerPort`).
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
