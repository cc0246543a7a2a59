import * as jsonc from "jsonc-parser";

// What each parse error means, in words that never include the input: a JSON file may hold a secret.
const descriptions: Partial<Record<string, string>> = {
  InvalidSymbol: "unexpected character",
  InvalidNumberFormat: "invalid number",
  PropertyNameExpected: "expected a property name in double quotes",
  ValueExpected: "expected a value",
  ColonExpected: "expected ':'",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: "unexpected content after the value",
  InvalidCommentToken: "comments are not allowed in JSON",
  UnexpectedEndOfComment: "comments are not allowed in JSON",
  UnexpectedEndOfString: "unterminated string",
  UnexpectedEndOfNumber: "incomplete number",
  InvalidUnicode: "invalid \\u escape",
  InvalidEscapeCharacter: "invalid escape sequence",
  InvalidCharacter: "control character in a string (escape it)",
};

export interface JsonSyntaxError {
  offset: number;
  description: string;
}

/**
 * Where and why text that JSON.parse refused is not JSON. V8's own message quotes the input around
 * the error and often gives no position, so a strict scanner (jsonc-parser, comments and trailing
 * commas off) finds the first error instead; it is linear in the text.
 */
export function findJsonSyntaxError(text: string, engineMessage: string): JsonSyntaxError {
  const errors: jsonc.ParseError[] = [];
  jsonc.parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first) return { offset: first.offset, description: descriptions[jsonc.printParseErrorCode(first.error)] ?? "syntax error" };
  // The scanner accepted what V8 refused: fall back to V8's position, never its words.
  const at = /at position (\d+)/.exec(engineMessage);
  return { offset: at ? Number(at[1]) : 0, description: "syntax error" };
}
