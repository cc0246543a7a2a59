import { isAlias, type Alias, type Document, type Node } from "yaml";
import { childrenOf, walkYaml } from "./yaml-walk.js";

/** How many nodes aliases may add to a file: its own node count, and at least `floor`. */
export function aliasBudget(docs: readonly Document[], floor: number): number {
  let written = 0;
  for (const doc of docs) walkYaml(doc.contents, { enter: () => void written++ });
  return Math.max(floor, written);
}

export type AliasProblem =
  | { kind: "budget"; alias: Alias }
  | { kind: "unresolved"; alias: Alias }
  | { kind: "too-many"; alias: Alias };

/**
 * Counts the nodes a document's aliases add when expanded, before anything expands them: each
 * anchored node's size is computed once, when the walk leaves it, so the count is linear in the
 * source however the aliases nest ("billion laughs"). The extra nodes are charged to `budget`
 * (shared by the documents of a file); the alias that overdraws it is returned and nothing is charged.
 * `maxAliases` bounds the aliases themselves: the `yaml` package resolves each alias by scanning the
 * document's anchors and aliases, so their number must stay small whatever they expand to.
 */
export function checkAliases(
  doc: Document,
  budget: { remaining: number },
  maxAliases: number,
): AliasProblem | undefined {
  const sizes = new Map<Node, number>();
  const anchors = new Map<string, Node>();
  let added = 0;
  let aliases = 0;
  let problem: AliasProblem | undefined;
  walkYaml(doc.contents, {
    enter(node) {
      // An alias refers to the last node anchored with its name before it, the anchor's own subtree included.
      if (!isAlias(node) && node.anchor) anchors.set(node.anchor, node);
    },
    leave(node) {
      if (problem) return;
      if (!isAlias(node)) {
        let size = 1;
        for (const child of childrenOf(node)) size += sizes.get(child) ?? 0;
        sizes.set(node, size);
        return;
      }
      sizes.set(node, 1);
      if (++aliases > maxAliases) return void (problem = { kind: "too-many", alias: node });
      const target = anchors.get(node.source);
      if (!target) return void (problem = { kind: "unresolved", alias: node });
      // An alias inside its own anchor is a cycle: left to the nesting-depth check, as before.
      const size = sizes.get(target);
      if (size === undefined) return;
      sizes.set(node, size);
      added += size - 1;
      if (added > budget.remaining) problem = { kind: "budget", alias: node };
    },
  });
  if (!problem) budget.remaining -= added;
  return problem;
}
