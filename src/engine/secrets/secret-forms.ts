import { escapePointer } from "../value-tree.js";

/**
 * The ways a secret value can be written into a text Gitgate outputs, besides as itself: a policy that
 * builds its message with `json.marshal` or `sprintf("%q")` escapes it, a field name or JSON pointer
 * escapes it, a careless author encodes it. Each form is scrubbed like the value.
 */
export function secretForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const forms = new Set([
    value,
    // JSON string content: json.marshal, sprintf("%q"), YAML double quotes, our own field labels.
    json,
    // Go's encoding/json (OPA's json.marshal) also escapes <, > and & and the two JavaScript line separators.
    json.replace(/[<>&\u2028\u2029]/g, unicodeEscape),
    // ASCII-only JSON, as some encoders write it.
    json.replace(/[^\x20-\x7e]/g, unicodeEscape),
    // Encoded twice: json.marshal of a message that was already JSON.
    JSON.stringify(json).slice(1, -1),
    // YAML single quotes double a quote.
    value.replace(/'/g, "''"),
    // Quoted by Helm's JSON-schema errors: Go's %q, then a single quote escaped in the single quotes
    // around it (`'Tr0ub4\'dor'`); and a single quote escaped alone, as shells and others write it.
    json.replace(/\\"/g, '"').replace(/'/g, "\\'"),
    value.replace(/'/g, "\\'"),
    escapePointer(value),
    urlEncoded(value),
    base64(value),
    base64(value).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""),
  ]);
  forms.delete("");
  return [...forms];
}

export function base64(value: string): string {
  return Buffer.from(value).toString("base64");
}

function unicodeEscape(char: string): string {
  return "\\u" + char.charCodeAt(0).toString(16).padStart(4, "0");
}

function urlEncoded(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value; // a lone surrogate cannot be URL-encoded, so it cannot appear that way either
  }
}
