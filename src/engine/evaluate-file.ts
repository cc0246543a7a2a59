import type { ResolvedSchema } from "../config/load-control-plane.js";
import type { FileContent } from "./change-set.js";
import { documentIdentity, isKind } from "./document-identity.js";
import type { DraftFinding } from "./finding.js";
import { parseFile } from "./parse/parse-file.js";
import type { ParseLimits } from "./parse/parse-limits.js";
import type { ParsedDocument } from "./parse/parsed-document.js";
import { validateDocument } from "./validate-document.js";

export interface EvaluatedFile {
  findings: DraftFinding[];
  documents: ParsedDocument[];
  /** Stable identity of a finding's document, for comparing base and head. */
  identityOf(finding: DraftFinding): string;
  /** Documents whose source lines must never be shown (Kubernetes Secrets). */
  sensitiveDocuments: Set<number>;
}

/** Parses and validates one version of one file. */
export async function evaluateFile(
  path: string,
  content: FileContent,
  schemas: readonly ResolvedSchema[],
  limits: ParseLimits,
): Promise<EvaluatedFile> {
  const parsed = parseFile(path, content, limits);
  const findings = [...parsed.findings];
  const identities = new Map<number, string>();
  const sensitiveDocuments = new Set<number>();
  for (const doc of parsed.documents) {
    identities.set(doc.index, documentIdentity(doc.value, doc.index));
    if (isKind(doc.value, "Secret")) sensitiveDocuments.add(doc.index);
    if (doc.valid) findings.push(...(await validateDocument(path, doc, schemas)));
  }
  return {
    findings,
    documents: parsed.documents,
    identityOf: (finding) => (finding.document === undefined ? "file" : identities.get(finding.document) ?? `#${finding.document}`),
    sensitiveDocuments,
  };
}
