import { fileStart, type Finding } from "../engine/finding.js";
import { templatesWithOutput } from "./helm-origins.js";
import type { RenderedChange } from "./render-types.js";

/** What the change's head Helm renders made of chart templates. */
export interface TemplateCoverage {
  /** The templates some head render made objects of (see templatesWithOutput). */
  withOutput: ReadonlySet<string>;
  /**
   * A warning for a changed template that Helm renders on its own (not a partial `_*`, not
   * NOTES.txt), in a chart the change rendered, yet of which no render made anything; undefined otherwise.
   */
  emptyTemplate(path: string): Finding | undefined;
  /**
   * A warning for a changed archive below a rendered chart's `charts/` (a vendored dependency) when
   * templates of vendored archives render nothing there; undefined otherwise.
   */
  emptyArchive(path: string): Finding | undefined;
}

export function templateCoverage(rendered: RenderedChange): TemplateCoverage {
  const withOutput = new Set<string>();
  const renders: { root: string; name: string; emptyArchived: readonly string[]; ignored: ReadonlySet<string> }[] = [];
  for (const t of rendered.targets) {
    if (t.target.kind !== "helm" || !t.head?.ok) continue;
    renders.push({ root: t.target.root, name: t.target.name, emptyArchived: t.head.emptyArchived ?? [], ignored: new Set(t.head.ignored) });
    if (t.head.templates) for (const start of templatesWithOutput(t.head.yaml, t.head.templates)) withOutput.add(start.path);
  }
  return {
    withOutput,
    emptyTemplate(path) {
      const name = path.slice(path.lastIndexOf("/") + 1);
      if (withOutput.has(path) || name.startsWith("_") || name === "NOTES.txt") return undefined;
      // Every chart holding it, a subchart's parent too: each render would have shown its output.
      const holding = renders.filter((r) => r.root === "" || path.startsWith(`${r.root}/`));
      if (holding.length === 0) return undefined;
      const names = holding.map((r) => r.name);
      return holding.every((r) => r.ignored.has(path)) ? ignoredTemplateWarning(path, names) : emptyTemplateWarning(path, names);
    },
    emptyArchive(path) {
      if (!path.endsWith(".tgz")) return undefined;
      const holding = renders.filter((r) => path.startsWith(r.root === "" ? "charts/" : `${r.root}/charts/`));
      const empty = [...new Set(holding.flatMap((r) => r.emptyArchived))];
      return empty.length > 0 ? emptyArchiveWarning(path, holding.map((r) => r.name), empty) : undefined;
    },
  };
}

/** As emptyTemplateWarning, for templates inside vendored archives, which no review reads either. */
function emptyArchiveWarning(path: string, renders: readonly string[], templates: readonly string[]): Finding {
  const shown = templates.slice(0, 10).join(", ") + (templates.length > 10 ? ` and ${templates.length - 10} more` : "");
  return emptyWarning(path,
    `A vendored chart archive changed, and no render of its chart made anything of these templates of its vendored archives, this one or another (${renders.join("; ")}): ${shown}. ` +
      "What they hold is not judged: whatever deploys the chart with values that turn them on deploys them unchecked. Give those values in `render.helm` to have them judged.",
  );
}

function emptyWarning(path: string, message: string): Finding {
  return { severity: "warning", rule: "file/helm-template-empty", source: "parse", status: "new", path, ...fileStart, message };
}

/**
 * A template Helm leaves out of the chart as it loads the chart's folder: no Helm deployer renders it,
 * but one that packages or reads the chart otherwise (an archive built without the .helmignore, a tool
 * applying the folder as plain files) may, and none of it is judged.
 */
function ignoredTemplateWarning(path: string, renders: readonly string[]): Finding {
  return emptyWarning(path,
    `Helm leaves this template out of the chart (${renders.join("; ")}): the chart's .helmignore names it or a folder holding it, or it is a dotfile in templates/. ` +
      "So no render makes anything of it and what it holds is not judged, though it stays in the repository for any tool that reads the folder otherwise. " +
      "If it is meant to be deployed, take it out of the .helmignore; if not, keep it out of templates/.",
  );
}

/**
 * Such a template may hold anything a deployer elsewhere turns on with other values (an ApplicationSet,
 * another repository, an Application here that nothing deploys standing in for the real one): a
 * warning, not an error, since with the values this repository gives it the template deploys nothing.
 */
function emptyTemplateWarning(path: string, renders: readonly string[]): Finding {
  return emptyWarning(path,
    `No render of this chart made anything of this template (${renders.join("; ")}), so what it holds is not judged: ` +
      "whatever deploys it with other values that turn it on deploys it unchecked. Give those values in `render.helm` to have it judged, " +
      "or, if it only defines named templates, name it `_<name>.tpl` as Helm expects. (Gitgate renders as `helm template` does: " +
      "an install, on a cluster with only the built-in API versions, so a template that waits for an upgrade or a CRD's API renders nothing here either.)",
  );
}
