/**
 * A name for a document that survives edits around it: a Kubernetes object's
 * apiVersion/kind/namespace/name, or else its position in the file.
 */
export function documentIdentity(value: unknown, index: number): string {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const { apiVersion, kind, metadata } = value as { apiVersion?: unknown; kind?: unknown; metadata?: unknown };
    const meta = (metadata ?? {}) as { name?: unknown; namespace?: unknown };
    if (typeof kind === "string" && typeof meta.name === "string") {
      return [String(apiVersion ?? ""), kind, typeof meta.namespace === "string" ? meta.namespace : "", meta.name].join("/");
    }
  }
  return `#${index}`;
}

export function isKind(value: unknown, kind: string): boolean {
  return value !== null && typeof value === "object" && (value as { kind?: unknown }).kind === kind;
}
