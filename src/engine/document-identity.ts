import type { KubernetesObject } from "./apply-exceptions.js";

/** kind, namespace and name of a document that is a Kubernetes object. */
export function kubernetesObject(value: unknown): (KubernetesObject & { apiVersion: string }) | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const { apiVersion, kind, metadata } = value as { apiVersion?: unknown; kind?: unknown; metadata?: unknown };
  const meta = (metadata ?? {}) as { name?: unknown; namespace?: unknown };
  if (typeof kind !== "string" || typeof meta.name !== "string") return undefined;
  return {
    apiVersion: typeof apiVersion === "string" ? apiVersion : "",
    kind,
    name: meta.name,
    ...(typeof meta.namespace === "string" ? { namespace: meta.namespace } : {}),
  };
}

/**
 * A name for a document that survives edits around it: a Kubernetes object's
 * apiVersion/kind/namespace/name, or else its position in the file.
 */
export function documentIdentity(value: unknown, index: number): string {
  const object = kubernetesObject(value);
  return object ? [object.apiVersion, object.kind, object.namespace ?? "", object.name].join("/") : `#${index}`;
}

export function isKind(value: unknown, kind: string): boolean {
  return value !== null && typeof value === "object" && (value as { kind?: unknown }).kind === kind;
}
