import type { FileContent } from "../engine/change-set.js";
import type { Span } from "../engine/finding.js";
import type { TemplateStart } from "./helm-origins.js";

/** One commit's files, as rendering sees them: every path, and a batched read. */
export interface TreeSnapshot {
  /** Every file path of the commit (links and submodules too: they are listed, never read). */
  paths: readonly string[];
  read(paths: readonly string[]): Promise<ReadonlyMap<string, FileContent | undefined>>;
  /**
   * The bytes of binary files (`read` keeps none): only those a target needs, a secretGenerator's
   * keystore or a chart's `.Files.Get`. Undefined for a path that is no file within the size limit; a
   * read that fails throws, naming the file. A source without it renders no target that needs one.
   */
  readBinary?(paths: readonly string[]): Promise<ReadonlyMap<string, Uint8Array | undefined>>;
}

/** One layer of Helm values: a repository file, or values written inline in the object that deploys the chart. */
export type ValuesSource =
  | { path: string }
  | { inline: string; file: string; pointer: string };

/** What deploys a target, for grouping the preview: an Argo CD Application, a Flux Kustomization or HelmRelease. */
export interface DeployedBy {
  kind: string;
  name: string;
  path: string;
}

/** Something that is rendered into manifests: a Kustomize root, or a Helm chart with its values. */
export interface RenderTarget {
  /** Stable identity, the same at base and head. */
  id: string;
  kind: "kustomize" | "helm";
  /** What a person calls it: the folder, or the Application and its chart. */
  name: string;
  /** The kustomization file or Chart.yaml: findings that cannot be traced further land here. */
  file: string;
  /** The kustomization folder or the chart folder. */
  root: string;
  values?: ValuesSource[];
  release?: string;
  namespace?: string;
  deployedBy?: DeployedBy;
  /** Every folder (with everything below it) and file the target reads: a change to one of them changes it. */
  dependsOn: { folders: string[]; files: string[] };
  /**
   * Kustomize: the files its generators read whole (`files:` of a secretGenerator or
   * configMapGenerator), the only files whose bytes it is handed when they are binary. Helm charts are
   * handed the binary files of their folder instead.
   */
  generated?: string[];
  /** Remote sources it names, where they are written (refused unless `render.network`). */
  remote: { ref: string; file: string; at: Span }[];
  /** References that leave the repository, where they are written (always refused). */
  outside: { ref: string; file: string; at: Span }[];
}

/** What rendering one version of a target gave. */
export type RenderOutcome =
  | {
    ok: true;
    yaml: string;
    /** Kustomize: the repository file each rendered document was read from ("" for a generator's). */
    origins?: string[];
    /** Helm: where each template's output starts (see helm-origins.ts). */
    templates?: TemplateStart[];
    /** Helm, from the helper: every template it renders on its own, by its `# Source:` name. */
    templateNames?: string[];
    /** Helm: the templates of vendored archives no output came from (see helmTemplates). */
    emptyArchived?: string[];
    /** Helm: the chart's files Helm leaves out as it loads its folder (`.helmignore`, dotfiles in templates/), as repository paths. */
    ignored?: string[];
  }
  | {
    ok: false;
    error: string;
    refused?: boolean;
    /** The machine could not render (no helper): never excused by the same failure at the base. */
    cannotRender?: boolean;
  };

/** One changed target, rendered at the base and at the head, with the source files it was rendered from. */
export interface RenderedTarget {
  target: RenderTarget;
  base?: RenderOutcome;
  head?: RenderOutcome;
  /** The head versions of the target's source files (kustomizations, patches, values), for tracing findings to a line. */
  sources: ReadonlyMap<string, FileContent>;
  /** Where the head target's remote and outside references are written, when it was refused for them. */
  refusals?: { file: string; at: Span; message: string }[];
}

/** What the shell hands the engine: the rendered targets, and how many targets there were in all. */
export interface RenderedChange {
  targets: RenderedTarget[];
  /** Targets found at base or head, changed or not. */
  discovered: number;
}
