import { isSecretObject, kindlessSecretItems } from "./secret-objects.js";
import type { DraftFinding } from "../finding.js";
import { inlineSecretPatches } from "../gitops-files.js";
import type { ParsedDocument } from "../parse/parsed-document.js";
import { nodes } from "../value-tree.js";
import { holdsInlineHelmValues } from "./inline-helm-values.js";
import { generatorLiterals, isBareText } from "./sensitive-paths.js";

/**
 * True when the lines of a parsed file version may hold a secret value in clear, so none of them may be
 * shown: a Secret in any document (itself, a List item, or deeper), a kustomization's secretGenerator
 * literals or inline patches for a Secret, Helm values written inline in an Application or HelmRelease (inline-helm-values.ts), a
 * document that is bare text (isBareText), or a document that did not parse or has errors (its value is
 * a guess, and the lines may hold values that the guess, or a duplicate key, dropped). Decided on parsed values, never on the
 * text, which can spell a kind in many ways.
 */
export function mayHoldSecrets(file: { findings: readonly DraftFinding[]; documents: readonly ParsedDocument[] }): boolean {
  if (file.findings.some((f) => f.source === "parse" && f.severity === "error")) return true;
  return file.documents.some((doc) => !doc.valid || isBareText(doc.value) || containsSecret(doc.value) || generatorLiterals(doc.value).length > 0 || inlineSecretPatches(doc.value).length > 0);
}

function containsSecret(value: unknown): boolean {
  for (const node of nodes(value)) if (isSecretObject(node) || kindlessSecretItems(node).length > 0 || holdsInlineHelmValues(node)) return true;
  return false;
}
