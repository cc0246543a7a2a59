/**
 * The structure SARIF 2.1.0 requires of what Gitgate writes (OASIS SARIF v2.1.0, sections 3.13–3.30):
 * required properties, enumerations and value ranges, written from the specification for this test.
 */
const message = { type: "object", required: ["text"], properties: { text: { type: "string", minLength: 1 } } };
const region = {
  type: "object",
  required: ["startLine"],
  properties: {
    startLine: { type: "integer", minimum: 1 },
    startColumn: { type: "integer", minimum: 1 },
    endLine: { type: "integer", minimum: 1 },
    endColumn: { type: "integer", minimum: 1 },
  },
};
export const sarifStructure = {
  type: "object",
  required: ["version", "runs"],
  properties: {
    $schema: { type: "string", format: "uri" },
    version: { const: "2.1.0" },
    runs: {
      type: "array",
      items: {
        type: "object",
        required: ["tool"],
        properties: {
          tool: {
            type: "object",
            required: ["driver"],
            properties: {
              driver: {
                type: "object",
                required: ["name"],
                properties: {
                  name: { type: "string", minLength: 1 },
                  version: { type: "string" },
                  informationUri: { type: "string" },
                  rules: {
                    type: "array",
                    items: {
                      type: "object",
                      required: ["id"],
                      properties: { id: { type: "string" }, shortDescription: message, helpUri: { type: "string" } },
                    },
                  },
                },
              },
            },
          },
          originalUriBaseIds: { type: "object", additionalProperties: { type: "object" } },
          results: {
            type: "array",
            items: {
              type: "object",
              required: ["message"],
              properties: {
                ruleId: { type: "string" },
                ruleIndex: { type: "integer", minimum: -1 },
                level: { enum: ["none", "note", "warning", "error"] },
                kind: { enum: ["notApplicable", "pass", "fail", "review", "open", "informational"] },
                baselineState: { enum: ["new", "unchanged", "updated", "absent"] },
                message,
                partialFingerprints: { type: "object", additionalProperties: { type: "string" } },
                locations: {
                  type: "array",
                  items: {
                    type: "object",
                    properties: {
                      physicalLocation: {
                        type: "object",
                        required: ["artifactLocation"],
                        properties: {
                          artifactLocation: { type: "object", required: ["uri"], properties: { uri: { type: "string" }, uriBaseId: { type: "string" } } },
                          region,
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;
