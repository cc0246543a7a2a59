import { isKind } from "../document-identity.js";
import { isRecord, nodes, stringLeaves } from "../value-tree.js";
import { secretForms } from "./secret-forms.js";
import { looksLikeSecret, secretRuns } from "./secret-patterns.js";
import { decodeBase64, lastAppliedAnnotation, type Sensitivity } from "./sensitive-paths.js";

/** Shorter values are not scrubbed from free text: "true" or "80" would mangle every message. */
const minimumLength = 6;

/**
 * Any stretch this long of a known secret (or of one of its encoded forms) is scrubbed too: a policy
 * may quote `substring(secret, 3, 12)`, and a cut source line may keep only the start of a value.
 */
export const minimumSlice = 8;

/**
 * Characters of secret material indexed slice by slice. Beyond it (a change full of large redacted
 * files), values are still scrubbed whole and line by line, but not every slice: memory stays bounded.
 */
const sliceBudget = 256 * 1024;

/**
 * Every secret value seen in a change (plain, base64 and escaped), and a scrubber that removes them,
 * any long enough slice of them, and anything shaped like a secret, from any text Gitgate is about to
 * output. It is the last line of defence: policy messages and parser messages may quote input.
 * Scrubbing is linear in the text: each position is looked up in hash sets, never matched against a
 * regular expression built from the values.
 */
export class SecretSet {
  /** Every `minimumSlice`-character stretch of the material within the budget. */
  private readonly slices = new Set<string>();
  /** Values over the budget, by their first `minimumSlice` characters. */
  private readonly whole = new Map<string, string[]>();
  /** Values shorter than a slice, matched whole. */
  private readonly short = new Set<string>();
  private readonly shortLengths = new Set<number>();
  private material = 0;

  /**
   * Collects the secrets of one document of `path` (see secretValuesOf).
   */
  addDocument(path: string, doc: unknown, sensitivity: Sensitivity): void {
    this.addValues(secretValuesOf(path, doc, sensitivity));
  }

  /** Adds values secretValuesOf found (possibly in another thread), in the order it found them. */
  addValues(found: readonly (readonly string[])[]): void {
    for (const values of found) this.add(...values);
  }

  private add(...values: readonly string[]): void {
    for (const value of values) {
      const candidates = new Set([value.trim(), ...value.split(/\r?\n/).map((line) => line.trim())]);
      for (const candidate of candidates) {
        if (candidate.length < minimumLength) continue;
        for (const form of secretForms(candidate)) this.index(form);
      }
    }
  }

  private index(form: string): void {
    if (form.length < minimumSlice) {
      if (form.length >= minimumLength) {
        this.short.add(form);
        this.shortLengths.add(form.length);
      }
    } else if (this.material + form.length <= sliceBudget) {
      this.material += form.length;
      for (let i = 0; i + minimumSlice <= form.length; i++) this.slices.add(form.slice(i, i + minimumSlice));
    } else {
      const start = form.slice(0, minimumSlice);
      const list = this.whole.get(start) ?? [];
      if (!list.includes(form)) this.whole.set(start, [...list, form].sort((a, b) => b.length - a.length));
    }
  }

  /** Replaces every known secret, every long enough slice of one, and every secret-shaped run in `text` with •••. */
  scrub(text: string): string {
    const covered: [number, number][] = [];
    const cover = (start: number, end: number) => {
      const last = covered.at(-1);
      if (last && start <= last[1]) last[1] = Math.max(last[1], end);
      else covered.push([start, end]);
    };
    const hasValues = this.slices.size > 0 || this.whole.size > 0;
    const shortLengths = [...this.shortLengths];
    if (hasValues || shortLengths.length > 0) {
      for (let i = 0; i + minimumLength <= text.length; i++) {
        let end = i;
        if (hasValues && i + minimumSlice <= text.length) {
          const window = text.slice(i, i + minimumSlice);
          if (this.slices.has(window)) end = i + minimumSlice;
          for (const value of this.whole.get(window) ?? []) if (text.startsWith(value, i)) end = Math.max(end, i + value.length);
        }
        for (const length of shortLengths) if (this.short.has(text.slice(i, i + length))) end = Math.max(end, i + length);
        if (end > i) cover(i, end);
      }
    }
    for (const match of text.matchAll(secretRuns)) {
      if (match[0].length > 0) covered.push([match.index, match.index + match[0].length]);
    }
    if (covered.length === 0) return text;
    // Overlapping and touching stretches become one •••, so no slice of a secret is left between two.
    covered.sort((a, b) => a[0] - b[0]);
    let out = "";
    let at = -1;
    for (const [start, end] of covered) {
      if (at >= 0 && start <= at) {
        at = Math.max(at, end);
        continue;
      }
      out += text.slice(Math.max(at, 0), start) + "•••";
      at = end;
    }
    return out + text.slice(at);
  }
}

/**
 * The secrets of one document of `path`: every Kubernetes Secret in it (the document itself, or an
 * item of a List, at any depth), the objects kept in last-applied-configuration annotations, every
 * secret-shaped value or key, and every value of a redacted file. Each entry is one group of forms
 * of the same value (a Secret's data value with its decoded form), as SecretSet indexes them.
 */
export function secretValuesOf(path: string, doc: unknown, sensitivity: Sensitivity): string[][] {
  const found: string[][] = [];
  const redacted = sensitivity.isRedacted(path);
  const roots: unknown[] = [doc];
  while (roots.length > 0) {
    const root = roots.pop();
    for (const node of nodes(root)) {
      if (typeof node === "string") {
        if (redacted || looksLikeSecret(node)) found.push([node]);
        continue;
      }
      if (!isRecord(node)) continue;
      for (const key of Object.keys(node)) if (looksLikeSecret(key)) found.push([key]);
      if (isKind(node, "Secret")) {
        for (const value of stringLeaves(node.data)) found.push([value, decodeBase64(value)]);
        // Its base64 is one of the forms every value is scrubbed in.
        for (const value of stringLeaves(node.stringData)) found.push([value]);
      }
      const annotations = isRecord(node.metadata) && isRecord(node.metadata.annotations) ? node.metadata.annotations : undefined;
      const lastApplied = annotations?.[lastAppliedAnnotation];
      if (typeof lastApplied === "string") {
        // The annotation repeats the whole object: its secrets are those of the object it holds.
        try {
          roots.push(JSON.parse(lastApplied));
        } catch {
          found.push([lastApplied]);
        }
      }
    }
  }
  return found;
}
