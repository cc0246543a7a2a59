import type { RegExpEngine } from "ajv/dist/types/index.js";
import { RE2JS } from "re2js";

/**
 * The regular expression engine for the `pattern` and `patternProperties` of repository schemas.
 * JavaScript's own engine backtracks: `^([a-z0-9]+-?)+$` takes seconds per character added to a
 * value that does not match, and both the pattern (a schema) and the value (a PR file) are
 * untrusted. RE2 (here its pure-JavaScript port) runs in time linear in the value. It has no
 * backreferences and no lookaround: such a pattern is refused when the schema is compiled, so the
 * schema is a config error rather than a check that silently passes.
 */
export const linearRegExp: RegExpEngine = Object.assign(
  (pattern: string, flags = ""): { test(value: string): boolean; toString(): string } => {
    let compiled: RE2JS;
    try {
      compiled = RE2JS.compile(RE2JS.translateRegExp(pattern));
    } catch (error) {
      throw new Error(
        `pattern ${JSON.stringify(pattern)} cannot be run in linear time (${(error as Error).message}): ` +
          "backreferences and lookahead/lookbehind are not supported",
      );
    }
    // ajv keeps each compiled pattern under its toString(): one shared by every pattern made them all one.
    const key = `/${pattern}/${flags}`;
    return { test: (value: string) => compiled.test(value), toString: () => key };
  },
  // Only read when ajv generates standalone code, which Gitgate never does.
  { code: "linearRegExp" },
);

/** ajv options every compiler of untrusted schemas shares. */
export const linearRegExpOptions = { code: { regExp: linearRegExp } };
