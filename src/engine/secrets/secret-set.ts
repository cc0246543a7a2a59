import { parseAllDocuments, visit } from "yaml";
import { inlineSecretPatches, isJson6902 } from "../gitops-files.js";
import { isRecord, nodes } from "../value-tree.js";
import { parseFile } from "../parse/parse-file.js";
import { defaultParseLimits } from "../parse/parse-limits.js";
import { inlineHelmValues } from "./inline-helm-values.js";
import { secretForms } from "./secret-forms.js";
import { looksLikeSecret, mayHoldSecretRuns, secretRuns } from "./secret-patterns.js";
import { decodeBase64, generatorLiterals, isBareText, lastAppliedAnnotation, type Sensitivity } from "./sensitive-paths.js";
import { isSecretObject, kindlessSecretItems, otherSecretValues } from "./secret-objects.js";

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
 * The values matched whole (over the slice budget, or of a `whole` group) that start alike. Past
 * `maxValuesPerStart` of them (hostile input: 40,000 env lines sharing their first characters made
 * adding and scrubbing quadratic, a minute), any text from that start on is scrubbed as far as the
 * longest of them reaches.
 */
interface WholeValues {
  values: Set<string>;
  longest: number;
  crowded: boolean;
}

const maxValuesPerStart = 64;

/**
 * One value, in each form it may be written in (a Secret's data value and its decoding). A `whole`
 * group is a value that may be a secret rather than one known to be (Helm values written inline, see
 * inline-helm-values.ts): it is scrubbed wherever it appears whole, never by its slices, or a value such
 * as `/home/kubernetes/bin` would mask "Kubernetes" in every message.
 */
export type SecretGroup = readonly string[] | { readonly whole: readonly string[] };

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
  /** Values over the budget, and `whole` groups, by their first `minimumSlice` characters (see WholeValues). */
  private readonly whole = new Map<string, WholeValues>();
  /** Values shorter than a slice, matched whole. */
  private readonly short = new Set<string>();
  /**
   * The hashes (hashOf) of the strings above, by length: scrub looks a window's rolling hash up first
   * and cuts the window out of the text only on a hit, instead of at every position of every text.
   */
  private readonly hashes = new Map<number, Set<number>>();
  private material = 0;

  /**
   * Collects the secrets of one document of `path` (see secretValuesOf).
   */
  addDocument(path: string, doc: unknown, sensitivity: Sensitivity): void {
    this.addValues(secretValuesOf(path, doc, sensitivity));
  }

  /** Adds values secretValuesOf found (possibly in another thread), in the order it found them. */
  addValues(found: readonly SecretGroup[]): void {
    for (const group of found) {
      if ("whole" in group) this.add(group.whole, (form) => this.indexWhole(form));
      else this.add(group, (form) => this.index(form));
    }
  }

  private add(values: readonly string[], index: (form: string) => void): void {
    for (const value of values) {
      const candidates = new Set([value.trim(), ...value.split(/\r?\n/).map((line) => line.trim())]);
      for (const candidate of candidates) {
        if (candidate.length < minimumLength) continue;
        for (const form of secretForms(candidate)) index(form);
      }
    }
  }

  /** A form matched by its slices, within the budget; else whole. */
  private index(form: string): void {
    if (form.length >= minimumSlice && this.material + form.length <= sliceBudget) {
      this.material += form.length;
      for (let i = 0; i + minimumSlice <= form.length; i++) {
        const slice = form.slice(i, i + minimumSlice);
        this.slices.add(slice);
        this.hash(slice);
      }
    } else {
      this.indexWhole(form);
    }
  }

  /** A form matched only whole (see WholeValues and SecretGroup). */
  private indexWhole(form: string): void {
    if (form.length < minimumSlice) {
      if (form.length >= minimumLength) {
        this.short.add(form);
        this.hash(form);
      }
    } else {
      const start = form.slice(0, minimumSlice);
      let values = this.whole.get(start);
      if (!values) this.whole.set(start, (values = { values: new Set(), longest: 0, crowded: false }));
      values.longest = Math.max(values.longest, form.length);
      if (values.values.size < maxValuesPerStart) values.values.add(form);
      else values.crowded = true;
      this.hash(start);
    }
  }

  private hash(text: string): void {
    let set = this.hashes.get(text.length);
    if (!set) this.hashes.set(text.length, (set = new Set()));
    set.add(hashOf(text, text.length) & smallInteger);
  }

  /**
   * Replaces every known secret, every long enough slice of one, and every secret-shaped run in `text`
   * with •••. A stretch lying wholly inside one of the `keep` spans (ascending, apart; the paths a
   * message quotes, see sanitizeReport) is left as it is; one reaching out of it is scrubbed whole,
   * the span's part included, so no secret that holds a path is let through by it.
   */
  scrub(text: string, keep: readonly (readonly [number, number])[] = []): string {
    const covered: [number, number][] = [];
    const cover = (start: number, end: number) => {
      const last = covered.at(-1);
      if (last && start <= last[1]) last[1] = Math.max(last[1], end);
      else covered.push([start, end]);
    };
    // One rolling hash per length indexed (a slice's, and each short value's), over every window.
    const windows = [...this.hashes].map(([length, known]) => ({ length, known, top: power(length - 1), hash: hashOf(text, length) }));
    for (let i = 0; windows.length > 0 && i + minimumLength <= text.length; i++) {
      let end = i;
      for (const window of windows) {
        const { length } = window;
        if (i + length > text.length) continue;
        if (window.known.has(window.hash & smallInteger)) {
          const stretch = text.slice(i, i + length);
          if (length === minimumSlice) {
            if (this.slices.has(stretch)) end = Math.max(end, i + minimumSlice);
            const values = this.whole.get(stretch);
            // A crowded start is scrubbed as far as its longest value could reach: fail safe.
            if (values?.crowded) end = Math.max(end, Math.min(text.length, i + values.longest));
            else for (const value of values?.values ?? []) if (text.startsWith(value, i)) end = Math.max(end, i + value.length);
          } else if (this.short.has(stretch)) end = Math.max(end, i + length);
        }
        if (i + length < text.length) window.hash = roll(window.hash, text.charCodeAt(i), text.charCodeAt(i + length), window.top);
      }
      if (end > i) cover(i, end);
    }
    if (mayHoldSecretRuns(text)) {
      for (const match of text.matchAll(secretRuns)) {
        if (match[0].length > 0) covered.push([match.index, match.index + match[0].length]);
      }
    }
    if (covered.length === 0) return text;
    // Overlapping and touching stretches become one •••, so no slice of a secret is left between two.
    covered.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [start, end] of covered) {
      const last = merged.at(-1);
      if (last && start <= last[1]) last[1] = Math.max(last[1], end);
      else merged.push([start, end]);
    }
    let out = "";
    let at = 0;
    let k = 0;
    for (const [start, end] of merged) {
      while (k < keep.length && keep[k]![1] < end) k++;
      if (k < keep.length && keep[k]![0] <= start) continue;
      out += text.slice(at, start) + "•••";
      at = end;
    }
    return out + text.slice(at);
  }
}

// A polynomial hash of UTF-16 code units modulo 2^32, which rolls by one position in constant time.
const hashBase = 0x01000193;

/**
 * Hashes are kept to 30 bits in the sets: V8 stores such a number in place, where a full 32-bit one is
 * an object of its own (a quarter of a million slices: megabytes). A few more collisions only cost a look.
 */
const smallInteger = 0x3fffffff;

/** The hash of the first `length` code units of `text` (of all of it, when shorter). */
function hashOf(text: string, length: number): number {
  let hash = 0;
  for (let k = 0; k < length && k < text.length; k++) hash = (Math.imul(hash, hashBase) + text.charCodeAt(k)) | 0;
  return hash;
}

/** hashBase^exponent modulo 2^32. */
function power(exponent: number): number {
  let result = 1;
  for (let k = 0; k < exponent; k++) result = Math.imul(result, hashBase);
  return result;
}

/** The hash of a window moved on by one code unit: `leaving` drops out at the front, `entering` joins at the back. */
function roll(hash: number, leaving: number, entering: number, top: number): number {
  return (Math.imul(hash - Math.imul(leaving, top), hashBase) + entering) | 0;
}

/**
 * The secrets of one document of `path`: every Kubernetes Secret in it (the document itself, or an
 * item of a List, at any depth), the literals of a kustomization's secretGenerator, the objects kept
 * in last-applied-configuration annotations, every secret-shaped value or key, and every value of a
 * redacted file. Each entry is one group of forms of the same value (a Secret's data value with its
 * decoded form), as SecretSet indexes them.
 */
export function secretValuesOf(path: string, doc: unknown, sensitivity: Sensitivity): SecretGroup[] {
  const found: SecretGroup[] = [];
  const redacted = sensitivity.isRedacted(path);
  if (isBareText(doc)) return [[doc]];
  for (const { patch } of inlineSecretPatches(doc)) found.push(...secretPatchValues(patch));
  for (const literal of generatorLiterals(doc)) {
    // The key before the first "=" is a name; the rest is the value, which kustomize unquotes.
    const value = literal.includes("=") ? literal.slice(literal.indexOf("=") + 1) : literal;
    found.push([value, value.replace(/^(["'])(.*)\1$/s, "$2")]);
  }
  const roots: unknown[] = [doc];
  while (roots.length > 0) {
    const root = roots.pop();
    for (const node of nodes(root)) {
      if (typeof node === "string") {
        if (redacted || looksLikeSecret(node)) found.push([node]);
        continue;
      }
      if (redacted && isOtherScalar(node)) found.push(scalarTexts(node));
      if (!isRecord(node)) continue;
      for (const key of Object.keys(node)) if (looksLikeSecret(key)) found.push([key]);
      const inline = inlineHelmValues(node);
      for (const text of inline.yaml) for (const whole of valuesInYaml(text)) found.push({ whole });
      for (const value of inline.values) for (const leaf of scalarLeaves(value)) found.push({ whole: typeof leaf === "string" ? [leaf] : scalarTexts(leaf) });
      // A Secret, however its kind is spelt, and the kind-less items of a SecretList (kubectl reads them as Secrets).
      for (const secret of isSecretObject(node) ? [node] : kindlessSecretItems(node)) found.push(...secretValues(secret));
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

type OtherScalar = number | bigint | boolean;

/**
 * The values in a YAML string of Helm values, one by one: not its keys, nor its lines, whose 8-character
 * slices ("replicaC…") would mask every message naming the same field. Read as a values file is, with the
 * same bounds; a string that does not read cleanly is a secret as it is, line by line. Each value also
 * as it is written, line by line: one escaped (`"\x41"`), folded or continued on further lines reads
 * otherwise in the string itself, which a policy may quote whole.
 */
function valuesInYaml(text: string): string[][] {
  const parsed = parseFile("helm.values", { kind: "text", text, size: Buffer.byteLength(text) }, defaultParseLimits);
  if (parsed.findings.some((f) => f.severity === "error") || parsed.documents.some((doc) => !doc.valid)) return [[text]];
  const values = parsed.documents.flatMap((doc) => [...scalarLeaves(doc.value)].map((leaf) => (typeof leaf === "string" ? [leaf] : scalarTexts(leaf))));
  // Read again for where each value is written: the parse above was bounded and clean, so this one is.
  for (const doc of parseAllDocuments(text)) {
    visit(doc, {
      Scalar(key, node) {
        if (key !== "key" && node.range) values.push([text.slice(node.range[0], node.range[1])]);
      },
    });
  }
  return values;
}

/**
 * The values a Secret holds, as groups to scrub: every scalar, not only strings (`pin: 98765432101`
 * reaches a policy, and its message, as a number). `data` is base64, and so may be a misspelt field of
 * it: both are scrubbed decoded too. `stringData`'s base64 is one of the forms every value is scrubbed in.
 */
function secretValues(secret: Record<string, unknown>): SecretGroup[] {
  const groups: SecretGroup[] = [];
  for (const value of scalarLeaves(secret.data)) groups.push(typeof value === "string" ? [value, decodeBase64(value)] : scalarTexts(value));
  for (const field of otherSecretValues(secret)) {
    for (const value of scalarLeaves(field)) groups.push(typeof value !== "string" ? scalarTexts(value) : field === secret.stringData ? [value] : [value, decodeBase64(value)]);
  }
  return groups;
}

/**
 * The values a patch written inline for a Secret sets: each operation's `value` of a JSON 6902 patch,
 * every value a strategic-merge one gives the Secret (its data, stringData, misspellings of either);
 * Secret values, scrubbed by their slices. One that does not read cleanly is a secret as it is.
 */
function secretPatchValues(text: string): SecretGroup[] {
  const parsed = parseFile("patch", { kind: "text", text, size: Buffer.byteLength(text) }, defaultParseLimits);
  if (parsed.findings.some((f) => f.severity === "error") || parsed.documents.some((doc) => !doc.valid)) return [[text]];
  return parsed.documents.flatMap((doc) => {
    if (isJson6902(doc.value)) return (doc.value as { value?: unknown }[]).flatMap((op) => [...scalarLeaves(op.value)].map((leaf) => (typeof leaf === "string" ? [leaf] : scalarTexts(leaf))));
    return isRecord(doc.value) ? secretValues(doc.value) : [];
  });
}

function isOtherScalar(value: unknown): value is OtherScalar {
  return typeof value === "number" || typeof value === "bigint" || typeof value === "boolean";
}

/** The string, number and boolean leaves of a value, in document order. */
function* scalarLeaves(root: unknown): Generator<string | OtherScalar> {
  for (const value of nodes(root)) if (typeof value === "string" || isOtherScalar(value)) yield value;
}

/**
 * The texts a number or boolean can be printed as: as JSON renders it (a policy's json.marshal or
 * sprintf, our own JSON output), and the ways YAML lets an integer be written in hex or octal, since the
 * parsed value no longer says which was used. Short ones are dropped by the set's minimum length (a
 * "true" or a "443" is not scrubbed everywhere); the long ones are scrubbed like any secret. Not binary:
 * its slices of 0s and 1s would be found in many ordinary numbers, and masking them mangles the output.
 */
function scalarTexts(value: OtherScalar): string[] {
  const texts = new Set([String(value)]);
  if (typeof value === "number" && !Number.isFinite(value)) return [...texts];
  if (typeof value === "number" && !Number.isInteger(value)) {
    texts.add(JSON.stringify(value));
    return [...texts];
  }
  if (typeof value === "boolean") return [...texts];
  const integer = BigInt(value);
  const magnitude = integer < 0n ? -integer : integer;
  const sign = integer < 0n ? "-" : "";
  for (const [prefix, radix] of [["0x", 16], ["0o", 8], ["0", 8]] as const) {
    const digits = magnitude.toString(radix);
    texts.add(sign + prefix + digits);
    texts.add(sign + prefix + digits.toUpperCase());
  }
  return [...texts];
}
