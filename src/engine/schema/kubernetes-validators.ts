import { kubernetesKinds } from "./kubernetes-kinds.generated.js";
import type { ValidateFunction } from "./schema-error.js";

const loaded = new Map<string, Promise<ValidateFunction>>();

/** The key a Kubernetes object's schema is found under. */
export function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

export function hasKubernetesKind(apiVersion: string, kind: string): boolean {
  return Object.hasOwn(kubernetesKinds, kindKey(apiVersion, kind));
}

/**
 * Loads the compiled validator of one kind on first use: there are hundreds of kinds and a
 * repository uses a few, so start-up stays fast. The modules are the kubernetes-models packages'.
 */
export function kubernetesValidator(apiVersion: string, kind: string): Promise<ValidateFunction> | undefined {
  const key = kindKey(apiVersion, kind);
  const specifier = Object.hasOwn(kubernetesKinds, key) ? kubernetesKinds[key] : undefined;
  if (!specifier) return undefined;
  let validator = loaded.get(key);
  if (!validator) {
    validator = import(specifier).then((module: { validate: ValidateFunction }) => module.validate);
    loaded.set(key, validator);
  }
  return validator;
}
