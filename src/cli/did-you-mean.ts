import { editDistance } from "../engine/edit-distance.js";

/**
 * The closest of `candidates` to a mistyped `word` (`valdate` → `validate`, `--fromat` → `--format`),
 * or undefined when none is close enough to be what the user meant.
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  // Two edits (a swap, a missing letter and a typo) still read as the same word; more is a guess.
  return best && best.distance <= Math.min(2, Math.ceil(best.candidate.length / 3)) ? best.candidate : undefined;
}
