import { isAlias, isCollection, isNode, isPair, type Node } from "yaml";

export interface NodeVisitor {
  enter?(node: Node): void;
  /** Called after every child of `node` has been left: sizes of children are known by then. */
  leave?(node: Node): void;
}

/**
 * Walks a YAML syntax tree in document order without recursion, so a hostile document cannot
 * overflow the stack of the checker itself. Aliases are visited as nodes, never followed.
 */
export function walkYaml(root: unknown, visitor: NodeVisitor): void {
  const stack: { node: Node; left: boolean }[] = isNode(root) ? [{ node: root, left: false }] : [];
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (top.left) {
      visitor.leave?.(top.node);
      continue;
    }
    visitor.enter?.(top.node);
    stack.push({ node: top.node, left: true });
    const children = childrenOf(top.node);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, left: false });
  }
}

/** The key and value nodes of a map, the items of a list; nothing for scalars and aliases. */
export function childrenOf(node: Node): Node[] {
  if (!isCollection(node) || isAlias(node)) return [];
  const out: Node[] = [];
  for (const item of node.items as unknown[]) {
    if (isPair(item)) {
      if (isNode(item.key)) out.push(item.key);
      if (isNode(item.value)) out.push(item.value);
    } else if (isNode(item)) out.push(item);
  }
  return out;
}
