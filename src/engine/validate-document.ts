import type { ResolvedSchema } from "../config/load-control-plane.js";
import type { DraftFinding } from "./finding.js";
import type { ParsedDocument } from "./parse/parsed-document.js";
import { hasKubernetesKind, kubernetesValidator } from "./schema/kubernetes-validators.js";
import { describeSchemaError, simplifyErrors, type ValidateFunction } from "./schema/schema-error.js";

/** Checks one document against every schema rule whose files match its path. */
export async function validateDocument(
  path: string,
  doc: ParsedDocument,
  schemas: readonly ResolvedSchema[],
): Promise<DraftFinding[]> {
  const findings: DraftFinding[] = [];
  for (const schema of schemas) {
    if (!schema.matches(path)) continue;
    if (schema.kind === "repo") {
      // A schema that failed to compile is already a config error that fails the check.
      if (schema.validate) findings.push(...check(path, doc, schema.validate, schema.path));
      continue;
    }
    findings.push(...(await checkKubernetes(path, doc, schema.strict)));
  }
  return findings;
}

async function checkKubernetes(path: string, doc: ParsedDocument, strict: boolean): Promise<DraftFinding[]> {
  const value = doc.value as { apiVersion?: unknown; kind?: unknown } | null;
  const at = (pointer: string) => ({ path, document: doc.index, source: "schema" as const, ...doc.locate(pointer) });
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return [{ severity: "error", rule: "schema/not-an-object", message: "A Kubernetes manifest must be a map with apiVersion and kind.", ...at("") }];
  }
  const { apiVersion, kind } = value;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    const missing = typeof apiVersion !== "string" ? "apiVersion" : "kind";
    return [{ severity: "error", rule: "schema/required", pointer: "", message: `Not a Kubernetes object: missing required property "${missing}" (a string).`, ...at("") }];
  }
  if (!hasKubernetesKind(apiVersion, kind)) {
    return [{
      severity: strict ? "error" : "notice",
      rule: "schema/unknown-kind",
      pointer: "/kind",
      message: `No built-in schema for ${apiVersion} ${kind}: ${strict ? "not allowed with strict" : "not validated"}.`,
      ...at("/kind"),
    }];
  }
  const validate = await kubernetesValidator(apiVersion, kind)!;
  return check(path, doc, validate, `Kubernetes ${apiVersion} ${kind}`);
}

function check(path: string, doc: ParsedDocument, validate: ValidateFunction, schemaName: string): DraftFinding[] {
  if (validate(doc.value)) return [];
  return simplifyErrors(validate.errors ?? []).map((error) => {
    const described = describeSchemaError(error);
    return {
      severity: "error",
      rule: `schema/${described.keyword}`,
      message: `${described.message} (${schemaName})`,
      path,
      document: doc.index,
      pointer: described.pointer,
      source: "schema",
      ...doc.locate(described.pointer, described.target),
    };
  });
}
