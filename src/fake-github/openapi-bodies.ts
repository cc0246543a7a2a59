import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

/** The write endpoints the fake implements, as GitHub's OpenAPI description names them. */
const operations: Record<string, [string, string]> = {
  "POST check-runs": ["/repos/{owner}/{repo}/check-runs", "post"],
  "PATCH check-run": ["/repos/{owner}/{repo}/check-runs/{check_run_id}", "patch"],
  "POST comment": ["/repos/{owner}/{repo}/issues/{issue_number}/comments", "post"],
  "PATCH comment": ["/repos/{owner}/{repo}/issues/comments/{comment_id}", "patch"],
  "POST requested_reviewers": ["/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", "post"],
  "POST git commit": ["/repos/{owner}/{repo}/git/commits", "post"],
  "POST git ref": ["/repos/{owner}/{repo}/git/refs", "post"],
  "PATCH git ref": ["/repos/{owner}/{repo}/git/refs/{ref}", "patch"],
  "POST pull": ["/repos/{owner}/{repo}/pulls", "post"],
  "POST issue": ["/repos/{owner}/{repo}/issues", "post"],
  "POST label": ["/repos/{owner}/{repo}/labels", "post"],
};

let validators: Map<string, ValidateFunction> | undefined;

/**
 * Checks a request body against GitHub's published OpenAPI description of that endpoint, so a body
 * the real GitHub would reject (a wrong field, a missing one, a bad enum value) fails in the fake too.
 * Returns the problems, empty when the body is valid.
 */
export function requestBodyProblems(operation: keyof typeof operations, body: unknown): string[] {
  validators ??= compile();
  const validate = validators.get(operation)!;
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "body"} ${e.message ?? e.keyword}`);
}

function compile(): Map<string, ValidateFunction> {
  const file = createRequire(import.meta.url).resolve("@octokit/openapi/generated/api.github.com.json");
  const spec = JSON.parse(readFileSync(file, "utf8")) as { paths: Record<string, Record<string, { requestBody: { content: Record<string, { schema: object }> } }>>; components: object };
  // OpenAPI 3.0 schemas are JSON Schema with extra keywords (nullable, discriminator, x-…): not strict.
  const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
  addFormats(ajv);
  // GitHub's own format for "owner/name" (a pull request's head repository): any string.
  ajv.addFormat("repo.nwo", true);
  ajv.addSchema({ components: spec.components }, "github");
  const compiled = new Map<string, ValidateFunction>();
  for (const [name, [path, method]] of Object.entries(operations)) {
    const schema = spec.paths[path]![method]!.requestBody.content["application/json"]!.schema;
    compiled.set(name, ajv.compile(rewriteRefs(schema)));
  }
  return compiled;
}

function rewriteRefs(value: unknown): never {
  if (Array.isArray(value)) return value.map(rewriteRefs) as never;
  if (value !== null && typeof value === "object") {
    // Ajv reads `nullable` only beside a `type`; GitHub writes it alone too (an issue's `milestone`).
    const entries = Object.entries(value).filter(([key]) => key !== "nullable" || "type" in value);
    return Object.fromEntries(
      entries.map(([key, item]) => [key, key === "$ref" && typeof item === "string" && item.startsWith("#/") ? `github${item}` : rewriteRefs(item)]),
    ) as never;
  }
  return value as never;
}
