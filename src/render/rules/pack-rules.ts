import { parse } from "yaml";
import { builtinPackFiles, builtinPacks } from "../../config/builtin-packs.js";
import type { RuleDoc } from "./rule-doc.js";

/**
 * The built-in packs' rules, from their OPA METADATA annotations (`title`, `description`, and
 * `custom.id` / `custom.fix`): the Rego is the one place a pack rule is described. `opa check`
 * validates the annotations; a rule without one fails the rules-doc test.
 */
export function packRules(): RuleDoc[] {
  return builtinPacks.flatMap((pack) =>
    Object.entries(builtinPackFiles(pack)).flatMap(([file, text]) => annotations(text).map((meta) => toRuleDoc(meta, pack, file))),
  );
}

interface Annotation {
  title?: unknown;
  description?: unknown;
  custom?: { id?: unknown; fix?: unknown; severity?: unknown };
}

/** Each `# METADATA` block: the comment lines after it, up to the first line that is not a comment. */
function annotations(text: string): Annotation[] {
  const lines = text.split("\n");
  const found: Annotation[] = [];
  for (const [i, line] of lines.entries()) {
    if (line.trim() !== "# METADATA") continue;
    const block: string[] = [];
    for (let j = i + 1; j < lines.length && lines[j]!.startsWith("#"); j++) block.push(lines[j]!.replace(/^# ?/, ""));
    found.push(parse(block.join("\n")) as Annotation);
  }
  return found;
}

function toRuleDoc(meta: Annotation, pack: string, file: string): RuleDoc {
  const { title, description } = meta;
  const id = meta.custom?.id;
  const fix = meta.custom?.fix;
  if (typeof id !== "string" || typeof title !== "string" || typeof description !== "string" || typeof fix !== "string") {
    throw new Error(`${file}: a METADATA annotation needs title, description, custom.id and custom.fix`);
  }
  // Pack rules are denials: errors unless the config's policies.rules says otherwise.
  return { id, group: `Built-in pack: ${pack}`, severity: "error", title, description, fix };
}
