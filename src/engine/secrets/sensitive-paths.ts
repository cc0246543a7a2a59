import { createMatcher } from "../../config/check-globs.js";
import { isKind } from "../document-identity.js";

export const lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";
const lastAppliedPointer = "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration";

/** Decides which parts of which documents are secret. */
export interface Sensitivity {
  /** True when everything under `pointer` in this document is secret. */
  isSensitive(path: string, doc: unknown, pointer: string): boolean;
  /** True when the whole file is redacted (`preview.redact`). */
  isRedacted(path: string): boolean;
}

/**
 * Kubernetes Secret `data` and `stringData`, the last-applied-configuration annotation (it repeats the
 * whole object, secrets included), and every value of files matched by `preview.redact`.
 */
export function createSensitivity(redact: readonly string[]): Sensitivity {
  const redacted = redact.length > 0 ? createMatcher(redact) : () => false;
  return {
    isRedacted: redacted,
    isSensitive(path, doc, pointer) {
      if (redacted(path)) return true;
      if (pointer === lastAppliedPointer || pointer.startsWith(lastAppliedPointer + "/")) return true;
      return isKind(doc, "Secret") && /^\/(?:data|stringData)(?:\/|$)/.test(pointer);
    },
  };
}

/**
 * A Secret as a reader should compare it: `stringData` folded into `data` (the API server does the
 * same) and `data` decoded, so moving a key between the two, or re-encoding it, is no change.
 */
export function foldSecret(doc: unknown): unknown {
  if (!isKind(doc, "Secret")) return doc;
  const { data, stringData, ...rest } = doc as { data?: unknown; stringData?: unknown };
  const folded: Record<string, unknown> = {};
  if (isRecord(data)) for (const [key, value] of Object.entries(data)) folded[key] = typeof value === "string" ? decodeBase64(value) : value;
  if (isRecord(stringData)) Object.assign(folded, stringData);
  return data === undefined && stringData === undefined ? rest : { ...rest, data: folded };
}

export function decodeBase64(value: string): string {
  const compact = value.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return value;
  return Buffer.from(compact, "base64").toString("utf8");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
