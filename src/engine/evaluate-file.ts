import type { RuleOverride } from "../config/config-types.js";
import type { ResolvedSchema } from "../config/load-control-plane.js";
import { applyRuleOverrides } from "./apply-rule-overrides.js";
import type { FileContent } from "./change-set.js";
import { documentIdentity } from "./document-identity.js";
import { fileStart, type DraftFinding } from "./finding.js";
import { parseFile, type YamlReading } from "./parse/parse-file.js";
import type { ParseLimits } from "./parse/parse-limits.js";
import type { ParsedDocument, ParsedFile } from "./parse/parsed-document.js";
import { evaluateDocumentPolicies } from "./policy/document-policies.js";
import type { PolicyRunner } from "./policy/policy-runner.js";
import type { PackagePolicy } from "./policy/policy-types.js";
import { isJson6902, type KustomizePatch } from "./gitops-files.js";
import { judgingNow } from "./judging-now.js";
import { validateDocument } from "./validate-document.js";

/** What judges one file: the control plane's schemas, policies and limits. */
export interface FileJudges {
  schemas: readonly ResolvedSchema[];
  documentPolicies: readonly PackagePolicy[];
  runner?: PolicyRunner;
  limits: ParseLimits;
  overrides: ReadonlyMap<string, RuleOverride>;
  /** How a path's YAML is read (see yaml-reading.ts); unset: "auto". */
  yamlReading?: (path: string) => YamlReading;
  /** The kustomization that names a path as a patch, if one does (see gitops-files.ts). */
  patchOf?: (path: string) => KustomizePatch | undefined;
  /**
   * Kustomization files rendered at the head (see judge-change.ts): per-document policies skip a patch
   * one of them names, since a patch is part of an object and the rendered object is what they judge.
   * Every other patch is policed as the file it is: a kustomization nothing renders (ignored, not
   * governed, a decoy naming a real manifest) must not take a file out of the policies' sight.
   */
  rendered?: ReadonlySet<string>;
}

export interface EvaluatedFile {
  findings: DraftFinding[];
  documents: ParsedDocument[];
  /** Stable identity of a finding's document, for comparing base and head. */
  identityOf(finding: DraftFinding): string;
}

/**
 * Parses and judges one version of one file: parse hazards, schemas, per-document policies. With
 * `judge: false` it only parses (the documents are still needed for the preview and change-set input).
 */
export async function evaluateFile(path: string, content: FileContent, judges: FileJudges, judge = true): Promise<EvaluatedFile> {
  judgingNow(path);
  return evaluateParsedFile(parseFile(path, content, judges.limits, judges.yamlReading?.(path) ?? "auto"), judges, judge);
}

/** Judges one version of one file as evaluateFile does, parsed already (as those judges read it). */
export async function evaluateParsedFile(parsed: ParsedFile, judges: FileJudges, judge = true): Promise<EvaluatedFile> {
  const { path } = parsed;
  judgingNow(path);
  const findings = [...parsed.findings];
  const identities = new Map<number, string>();
  const patch = judges.patchOf?.(path);
  const note = (rule: string, message: string, doc?: ParsedDocument) =>
    findings.push({ severity: "notice", rule, message, path, source: "schema", ...(doc ? { document: doc.index, ...doc.span } : fileStart) });
  if (judge && patch && parsed.documents.some((doc) => !isJson6902(doc.value))) {
    note("file/kustomize-patch", `Kustomize patch named by ${patch.kustomization}: validated as a partial object (field names and types; ` +
      "required fields are not checked, the object it patches provides them).");
  }
  for (const doc of parsed.documents) {
    identities.set(doc.index, documentIdentity(doc.value, doc.index));
    if (!judge || !doc.valid) continue;
    // A JSON 6902 patch is a list of operations on an object, not an object: no schema applies to it.
    if (patch && isJson6902(doc.value)) {
      note("file/json6902-patch", `JSON 6902 patch named by ${patch.kustomization}: a list of operations, not a Kubernetes object: not schema-validated.`, doc);
      continue;
    }
    findings.push(...(await validateDocument(path, doc, judges.schemas, patch ? "patch" : "object")));
    judgingNow(path);
  }
  const renderedPatch = patch !== undefined && (patch.namedBy ?? [patch.kustomization]).some((k) => judges.rendered?.has(k) === true);
  if (judge && judges.runner && judges.documentPolicies.length > 0 && !renderedPatch) {
    findings.push(...(await evaluateDocumentPolicies(path, parsed.documents, judges.documentPolicies, judges.runner)));
  }
  return {
    findings: applyRuleOverrides(findings, judges.overrides),
    documents: parsed.documents,
    identityOf: (finding) => (finding.document === undefined ? "file" : identities.get(finding.document) ?? `#${finding.document}`),
  };
}
