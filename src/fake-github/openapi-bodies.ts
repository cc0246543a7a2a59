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
  "PUT branch protection": ["/repos/{owner}/{repo}/branches/{branch}/protection", "put"],
  "PATCH issue": ["/repos/{owner}/{repo}/issues/{issue_number}", "patch"],
};

/** GitHub rejects a comment, issue or PR body longer than 65,536 characters ("Body is too long"); the description does not say so. */
const bodyLimit = (schema: Record<string, any>) => { // eslint-disable-line @typescript-eslint/no-explicit-any
  schema.properties.body.maxLength = 65_536;
  return schema;
};

/**
 * Where the description and GitHub disagree, GitHub wins. The description requires the deprecated
 * `contexts` of required status checks, but GitHub rejects a body with both `contexts` and `checks`
 * (only `checks` pins a check to an app): either one, never both. A limit the description leaves out
 * (the length of a comment, issue or PR body) is held too.
 */
const asGitHubAnswers: Record<string, (schema: Record<string, any>) => Record<string, unknown>> = { // eslint-disable-line @typescript-eslint/no-explicit-any
  "POST comment": bodyLimit,
  "PATCH comment": bodyLimit,
  "POST issue": bodyLimit,
  "PATCH issue": bodyLimit,
  "POST pull": bodyLimit,
  "PUT branch protection": (schema) => {
    const checks = schema.properties.required_status_checks;
    checks.required = ["strict"];
    checks.if = { type: "object" };
    checks.then = { oneOf: [{ required: ["contexts"], not: { required: ["checks"] } }, { required: ["checks"], not: { required: ["contexts"] } }] };
    return schema;
  },
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

/**
 * Checks a value against one of GitHub's published schemas by name (e.g. a webhook payload against
 * `webhook-repository-ruleset-edited`), for payloads a test builds where no recording exists.
 */
export function schemaProblems(component: string, value: unknown): string[] {
  validators ??= compile();
  const validate = ajvOfSpec!.getSchema(`github#/components/schemas/${component}`);
  if (!validate) return [`no schema named ${component}`];
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "value"} ${e.message ?? e.keyword}`);
}

let ajvOfSpec: Ajv | undefined;

function compile(): Map<string, ValidateFunction> {
  const file = createRequire(import.meta.url).resolve("@octokit/openapi/generated/api.github.com.json");
  const spec = JSON.parse(readFileSync(file, "utf8")) as { paths: Record<string, Record<string, { requestBody: { content: Record<string, { schema: object }> } }>>; components: object };
  // OpenAPI 3.0 schemas are JSON Schema with extra keywords (nullable, discriminator, x-…): not strict.
  const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
  addFormats(ajv);
  // GitHub's own format for "owner/name" (a pull request's head repository): any string.
  ajv.addFormat("repo.nwo", true);
  ajv.addSchema({ components: rewriteRefs(spec.components) }, "github");
  ajvOfSpec = ajv;
  const compiled = new Map<string, ValidateFunction>();
  for (const [name, [path, method]] of Object.entries(operations)) {
    const schema = structuredClone(spec.paths[path]![method]!.requestBody.content["application/json"]!.schema) as Record<string, unknown>;
    compiled.set(name, ajv.compile(rewriteRefs(asGitHubAnswers[name]?.(schema) ?? schema)));
  }
  return compiled;
}

function rewriteRefs(value: unknown): never {
  if (Array.isArray(value)) return value.map(rewriteRefs) as never;
  if (value !== null && typeof value === "object") {
    // OpenAPI 3.0 allows `nullable` beside `oneOf` with no `type`; Ajv needs it spelled out.
    if ("nullable" in value && value.nullable === true && !("type" in value)) {
      const { nullable: _nullable, ...rest } = value;
      return { anyOf: [rewriteRefs(rest), { type: "null" }] } as never;
    }
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, key === "$ref" && typeof item === "string" && item.startsWith("#/") ? `github${item}` : rewriteRefs(item)]),
    ) as never;
  }
  return value as never;
}
