import type { GitgateConfig } from "./config-types.js";

const sections: Record<string, keyof GitgateConfig | (keyof GitgateConfig)[]> = {
  files: "files",
  ignore: "ignore",
  fail_on: "failOn",
  kubernetes_version: "kubernetesVersion",
  schemas: ["schemas", "schemaKinds", "schemaCatalogs"],
  crds: "crds",
  policies: "policies",
  exceptions: "exceptions",
  approvals: "approvals",
  protect: "protect",
  preview: "preview",
  limits: "limits",
};

/**
 * A repository config that `_extends` another (the organisation's `.github` repository): every
 * top-level section the repository sets replaces the inherited one whole; the others are inherited.
 * Whole sections, as Probot's config does, so nobody has to guess how two lists were combined.
 */
export function extendConfig(inherited: GitgateConfig, own: GitgateConfig, ownKeys: readonly string[]): GitgateConfig {
  const merged: GitgateConfig = { ...inherited, ...(own.extends !== undefined ? { extends: own.extends } : {}) };
  for (const key of ownKeys) {
    for (const section of [sections[key] ?? []].flat()) (merged as unknown as Record<string, unknown>)[section] = own[section];
  }
  return merged;
}

/** The repository named by `_extends`: "name" (same owner) or "owner/name". */
export function extendsTarget(owner: string, value: string): { owner: string; repo: string } {
  const [first, second] = value.split("/");
  return second ? { owner: first!, repo: second } : { owner, repo: first! };
}
