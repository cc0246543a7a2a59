import { isKind } from "../document-identity.js";
import { looksLikeSecret, secretRuns } from "./secret-patterns.js";
import { decodeBase64, lastAppliedAnnotation, type Sensitivity } from "./sensitive-paths.js";

/** Shorter values are not scrubbed from free text: "true" or "80" would mangle every message. */
const minimumLength = 6;

/**
 * Every secret value seen in a change (plain and base64), and a scrubber that removes them, and
 * anything shaped like a secret, from any text Gitgate is about to output. It is the last line of
 * defence: policy messages and parser messages may quote input.
 */
export class SecretSet {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;

  /** Collects the secrets of one document of `path`. */
  addDocument(path: string, doc: unknown, sensitivity: Sensitivity): void {
    if (sensitivity.isRedacted(path)) this.addLeaves(doc);
    if (doc === null || typeof doc !== "object") return;
    const { data, stringData, metadata } = doc as { data?: unknown; stringData?: unknown; metadata?: { annotations?: Record<string, unknown> } };
    if (isKind(doc, "Secret")) {
      for (const value of leaves(data)) this.add(value, decodeBase64(value));
      for (const value of leaves(stringData)) this.add(value, Buffer.from(value).toString("base64"));
    }
    const lastApplied = metadata?.annotations?.[lastAppliedAnnotation];
    if (typeof lastApplied === "string") {
      this.add(lastApplied);
      try {
        this.addDocument(path, JSON.parse(lastApplied), sensitivity);
      } catch {
        // not JSON: the annotation as a whole is already scrubbed
      }
    }
    for (const value of leaves(doc)) if (looksLikeSecret(value)) this.add(value);
  }

  private addLeaves(value: unknown): void {
    for (const leaf of leaves(value)) this.add(leaf);
  }

  private add(...values: string[]): void {
    for (const value of values) {
      for (const line of [value, ...value.split(/\r?\n/)]) {
        if (line.trim().length >= minimumLength) this.values.add(line.trim());
      }
    }
    this.pattern = undefined;
  }

  /** Replaces every known secret and every secret-shaped run in `text` with •••. */
  scrub(text: string): string {
    if (this.values.size > 0) {
      this.pattern ??= new RegExp([...this.values].sort((a, b) => b.length - a.length).map(escapeRegExp).join("|"), "g");
      text = text.replace(this.pattern, "•••");
    }
    return text.replace(secretRuns, "•••");
  }
}

/** String leaves of a value (numbers and booleans are too short to be secrets worth scrubbing). */
function* leaves(value: unknown): Generator<string> {
  if (typeof value === "string") yield value;
  else if (Array.isArray(value)) for (const item of value) yield* leaves(item);
  else if (value !== null && typeof value === "object") for (const item of Object.values(value)) yield* leaves(item);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
