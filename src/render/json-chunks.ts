/**
 * JSON.stringify(value, null, 2), in pieces of about `pieceChars` characters, so that a report with
 * tens of thousands of findings is written out without ever being one string in memory (that string,
 * and the builder's parts behind it, were the largest thing the CLI held at the end of a big validate).
 * Objects and arrays are walked down to `depth` levels; below that each value is stringified whole.
 * As JSON.stringify: a value with toJSON is written as it says, undefined and functions are left out
 * of objects and written as null in arrays.
 */
export function* jsonChunks(value: unknown, depth = 3, pieceChars = 64 * 1024): Generator<string> {
  let piece = "";
  for (const part of parts(value, "", depth)) {
    piece += part;
    if (piece.length >= pieceChars) {
      yield piece;
      piece = "";
    }
  }
  if (piece !== "") yield piece;
}

function* parts(value: unknown, pad: string, depth: number): Generator<string> {
  if (depth === 0 || value === null || typeof value !== "object" || typeof (value as { toJSON?: unknown }).toJSON === "function") {
    // JSON.stringify escapes every line break inside a string, so each "\n" it writes starts a line.
    yield (JSON.stringify(value, null, 2) ?? "null").replaceAll("\n", `\n${pad}`);
    return;
  }
  const inner = `${pad}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return yield "[]";
    yield "[";
    for (let i = 0; i < value.length; i++) {
      yield `${i === 0 ? "" : ","}\n${inner}`;
      yield* parts(omitted(value[i]) ? null : value[i], inner, depth - 1);
    }
    return yield `\n${pad}]`;
  }
  const entries = Object.entries(value).filter(([, item]) => !omitted(item));
  if (entries.length === 0) return yield "{}";
  yield "{";
  for (const [i, [key, item]] of entries.entries()) {
    yield `${i === 0 ? "" : ","}\n${inner}${JSON.stringify(key)}: `;
    yield* parts(item, inner, depth - 1);
  }
  yield `\n${pad}}`;
}

const omitted = (value: unknown) => value === undefined || typeof value === "function" || typeof value === "symbol";
