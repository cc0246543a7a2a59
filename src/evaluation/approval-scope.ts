import type { GitgateConfig } from "../config/config-types.js";
import { approvalsSectionOf, setsSection } from "../config/config-sections.js";
import type { ControlPlane } from "../config/load-control-plane.js";
import { RefusedPathError, type RepoReader } from "../config/repo-reader.js";
import { parseCodeOwners, resolveCodeOwners, type ResolvedCodeOwners } from "../engine/approvals/codeowners.js";
import { codeOwnersPaths } from "../engine/approvals/codeowners-paths.js";
import { approvalScope } from "../engine/evaluate-change-set.js";

/**
 * What the approval check needs to know from the base's config, decided in the worker (the config is
 * untrusted and parsing it is the worker's job): whether the repository asks for `gitgate/approval`,
 * its `approvals` settings, and which changed files approvals are about.
 */
export interface ApprovalScope {
  /** The config (the repository's or the organisation's) has an `approvals:` section. */
  enabled: boolean;
  /**
   * False when the config file at the base cannot be trusted (it cannot be read, parsed or validated):
   * only the control-plane rule applies then. A broken schema, policy or exceptions file it names does
   * not make its `approvals` settings unknown.
   */
  configValid: boolean;
  /**
   * The normalized `approvals` section; when the config is invalid, its `approvals` section read on its
   * own (approvalsSectionOf), and none when that is not valid either: no approval can count then.
   */
  settings?: GitgateConfig["approvals"];
  /** Changed paths in scope, a moved file's old path too (governed or control plane; every file when the config is invalid). */
  files: string[];
  controlPlaneChanged: boolean;
  /** With `codeowners: true`: the owners of each file in scope, from the base's CODEOWNERS (absent: no file). */
  codeOwners?: ResolvedCodeOwners;
}

export interface ChangedPath {
  path: string;
  previousPath?: string;
}

/**
 * `configText` is the repository's config (the organisation's when it has none), `inherited` the
 * organisation's config it may inherit sections from.
 */
export async function approvalScopeOf(plane: ControlPlane, configText: string | undefined, inherited: { text: string; source: string } | undefined, changed: readonly ChangedPath[], read: RepoReader["read"]): Promise<ApprovalScope> {
  const configValid = plane.config !== undefined && !plane.configInvalid;
  const inScope = approvalScope(plane);
  const touches = (f: ChangedPath, test: (path: string) => boolean) => test(f.path) || (f.previousPath !== undefined && test(f.previousPath));
  // A moved file is a removal from its old path too: rules and owners of either path apply.
  const files = [...new Set(changed.filter((f) => touches(f, inScope)).flatMap((f) => (f.previousPath !== undefined ? [f.path, f.previousPath] : [f.path])))];
  const codeOwners = configValid && plane.config?.approvals.codeowners ? await readCodeOwners(read, files) : undefined;
  // The organisation's section counts when the repository's config inherits it (`_extends`), as every
  // other section does, or when that config is broken: it must not switch the check off.
  const inherits = !configValid || plane.config?.extends !== undefined;
  return {
    // Read from the text: a broken config still says it wants approvals, and then gets the strictest ones.
    enabled: setsSection(configText, "approvals", plane.configPath) || (inherits && setsSection(inherited?.text, "approvals", inherited?.source)),
    configValid,
    ...settingsOf(configValid ? plane.config?.approvals : approvalsSectionOf(configText, plane.configPath) ?? (inherits ? approvalsSectionOf(inherited?.text, inherited?.source) : undefined)),
    files,
    controlPlaneChanged: changed.some((f) => touches(f, (p) => plane.isControlPlanePath(p))),
    ...(codeOwners ? { codeOwners } : {}),
  };
}

function settingsOf(settings: GitgateConfig["approvals"] | undefined): Pick<ApprovalScope, "settings"> {
  return settings ? { settings } : {};
}

/** The first CODEOWNERS file where GitHub looks for one, at the base, resolved for `files`. */
async function readCodeOwners(read: RepoReader["read"], files: readonly string[]): Promise<ResolvedCodeOwners | undefined> {
  for (const path of codeOwnersPaths) {
    const text = await read(path).catch((error: unknown) => {
      // A CODEOWNERS Gitgate refuses to read (a link, binary, too large) is not silently skipped.
      if (error instanceof RefusedPathError) throw new Error(`${path} cannot be used: ${error.message}`);
      throw error;
    });
    if (text !== undefined) return resolveCodeOwners(parseCodeOwners(path, text), files);
  }
  return undefined;
}
