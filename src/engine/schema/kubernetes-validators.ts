import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { requireWithCodeCache } from "../../evaluation/thread-code-cache.js";
import { kubernetesQuantity } from "./kubernetes-quantity.js";
import { isKubernetesBase64 } from "./kubernetes-base64.js";
import { kubernetesKinds } from "./kubernetes-kinds.generated.js";
import type { ValidateFunction } from "./schema-error.js";

const loaded = new Map<string, Promise<ValidateFunction>>();

/**
 * Beside the CLI's bundle, the same validators bundled at build time (scripts/bundle-cli.ts): a kind in
 * a few files, where its package has a module for every definition it uses (a hundred for a
 * Deployment). Elsewhere (the App, from source) there is no such folder and the packages are used.
 */
const bundledKinds = new URL("./kinds/", import.meta.url);
const bundled = existsSync(bundledKinds);

let formatsFixed: Promise<void> | undefined;

/**
 * The kinds' `byte` and `quantity` formats made the API server's (isKubernetesBase64,
 * kubernetesQuantity), in the formats object every
 * package kind shares (each reads its `validate` when called). The bundle's kinds have it built in
 * (scripts/bundle-cli.ts); a URL import keeps the package out of the bundle of this module.
 */
function packageFormatsFixed(): Promise<void> {
  return (formatsFixed ??= import(new URL("./formats.js", import.meta.resolve("@kubernetes-models/validate")).href).then((module: { formats: Record<"byte" | "quantity", { validate: unknown }> }) => {
    module.formats.byte.validate = isKubernetesBase64;
    module.formats.quantity.validate = kubernetesQuantity;
  }));
}

/** The key a Kubernetes object's schema is found under. */
export function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

/** The API groups Kubernetes serves itself ("" is the core group), from its own kinds (not Flux's or Argo CD's). */
let ownGroups: ReadonlySet<string> | undefined;

/** A kind key's apiVersion and kind (`apps/v1/Deployment` → `apps/v1`, `Deployment`). */
function splitKey(key: string): [string, string] {
  const at = key.lastIndexOf("/");
  return [key.slice(0, at), key.slice(at + 1)];
}

/** The API group of an apiVersion: "" for the core group's `v1`. */
function groupOf(apiVersion: string): string {
  return apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
}

/** Kubernetes serves the group itself (`apps`, the core group, `networking.k8s.io`…): no CRD can add to it. */
function isOwnGroup(group: string): boolean {
  ownGroups ??= new Set(Object.entries(kubernetesKinds).filter(([, at]) => at.startsWith("kubernetes-models:")).map(([key]) => groupOf(splitKey(key)[0])));
  return ownGroups.has(group);
}

/**
 * Why a CRD cannot define kinds in `group`, or undefined when it can. The API server refuses a CRD whose
 * group has no dot, and serves its own groups itself whatever a CRD says: such a CRD would only let a
 * repository swap a built-in kind's schema for a looser one.
 */
export function crdGroupProblem(group: string): string | undefined {
  if (isOwnGroup(group)) return `${group === "" ? "the core group" : `\`${group}\``} is an API group Kubernetes serves itself`;
  if (!group.includes(".")) return `the API server requires a group with at least one dot (\`${group}\`)`;
  return undefined;
}

/**
 * For an apiVersion and kind no schema knows in one of Kubernetes' own API groups (where no CRD can
 * add a kind): the kind Gitgate knows there under that name in any case (`apps/v1 Deployment`), at
 * this version first. Undefined when there is none, or outside Kubernetes' own groups.
 */
export function ownGroupKindMeant(apiVersion: string, kind: string): string | undefined {
  const group = groupOf(apiVersion);
  if (!isOwnGroup(group)) return undefined;
  const named = Object.keys(kubernetesKinds).map(splitKey).filter(([version, known]) => groupOf(version) === group && known.toLowerCase() === kind.toLowerCase());
  const meant = named.find(([version]) => version === apiVersion) ?? named[0];
  return meant && `${meant[0]} ${meant[1]}`;
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
  const location = Object.hasOwn(kubernetesKinds, key) ? kubernetesKinds[key] : undefined;
  if (!location) return undefined;
  let validator = loaded.get(key);
  if (!validator) {
    const [pkg, file] = location.split(":") as [string, string];
    // Not every package exports its _schemas folder, so the file is imported by URL from the package root.
    const url = bundled ? new URL(`${pkg}/${file}`, bundledKinds) : new URL(file, import.meta.resolve(pkg));
    // The CLI bundle's threads run as scripts (thread-code-cache.ts), which have no `import()`: they load
    // its kinds, CommonJS (scripts/bundle-cli.ts), with the code their first run compiled. The packages'
    // own modules are ES modules whose imports only `import` resolves (some export no `require` entry).
    validator = bundled
      ? Promise.resolve().then(() => (requireWithCodeCache(fileURLToPath(url)) as { validate: ValidateFunction }).validate)
      : packageFormatsFixed().then(() => import(url.href)).then((module: { validate: ValidateFunction }) => module.validate);
    loaded.set(key, validator);
  }
  return validator;
}
