/**
 * What a Rego file declares at its top level, without a parser: its package and the names that start a
 * statement outside any brace, bracket or parenthesis (rule heads, whatever their indentation; a name
 * followed by `(` is a function and left out). Comments
 * and string literals are skipped, so a `deny` in a message or a body is never taken for a rule. Linear
 * in the text. The compiler then rejects anything that is not really a rule.
 */
export function regoHeads(text: string): { package: string | undefined; heads: string[] } {
  const heads: string[] = [];
  let depth = 0;
  let atStatement = true;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "#") {
      const end = text.indexOf("\n", i);
      i = end === -1 ? text.length : end;
    } else if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"' && text[i] !== "\n") i += text[i] === "\\" ? 2 : 1;
      i++;
      atStatement = false;
    } else if (c === "`") {
      const end = text.indexOf("`", i + 1);
      i = end === -1 ? text.length : end + 1;
      atStatement = false;
    } else if (c === "\n") {
      if (depth === 0) atStatement = true;
      i++;
    } else if (c === " " || c === "\t" || c === "\r") {
      i++;
    } else if ("{[(".includes(c)) {
      depth++;
      atStatement = false;
      i++;
    } else if ("}])".includes(c)) {
      depth = Math.max(0, depth - 1);
      i++;
    } else {
      const word = /^[A-Za-z_]\w*/.exec(text.slice(i, i + 256))?.[0];
      // A name followed by `(` starts a function, not a rule.
      if (word && atStatement && depth === 0 && !/^[ \t]*\(/.test(text.slice(i + word.length, i + word.length + 64))) heads.push(word);
      atStatement = false;
      i += word ? word.length : 1;
    }
  }
  return { package: heads.includes("package") ? packageName(text) : undefined, heads: heads.filter((h) => h !== "package" && h !== "import") };
}

/** The name after the first `package` keyword that starts a line (leading blanks allowed). */
function packageName(text: string): string | undefined {
  return /^[ \t]*package\s+([A-Za-z_][\w.]*)/m.exec(text)?.[1];
}
