import type { FileContent } from "../change-set.js";
import type { GeneratorSource } from "../gitops-files.js";

/**
 * The Secret values in a file a kustomization's generator reads (see GeneratorSource), in the
 * groups SecretSet.addValues takes: none unless it is a `secretGenerator`'s and text.
 */
export function generatorSecrets(source: GeneratorSource, content: FileContent | undefined): string[][] {
  return source.generator === "secretGenerator" && content?.kind === "text" ? generatorDataSecrets(content.text, source.form) : [];
}

/**
 * The Secret values in a file a kustomization's `secretGenerator` reads (see GeneratorSource), in the
 * groups SecretSet.addValues takes: such a file is a Secret's data before kustomize renders it, and
 * its values must be scrubbed wherever they could surface (a policy message on the rendered Secret,
 * a kustomize error quoting a line), rendered or not.
 * - `files`: the whole content is one value (SecretSet also takes each of its lines);
 * - `envs`: each `KEY=value` line is a value, as written and unquoted. A line without `=` names a
 *   variable kustomize reads from its environment: nothing of it is in the file.
 */
function generatorDataSecrets(text: string, form: GeneratorSource["form"]): string[][] {
  if (form === "files") return [[text]];
  const found: string[][] = [];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trimStart();
    if (trimmed === "" || trimmed.startsWith("#") || !trimmed.includes("=")) continue;
    const value = trimmed.slice(trimmed.indexOf("=") + 1);
    found.push([value, value.replace(/^(["'])(.*)\1$/s, "$2")]);
  }
  return found;
}
