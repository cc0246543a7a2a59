import picomatch from "picomatch";
import { RE2JS } from "re2js";

// picomatch guards every segment against "." and ".." and every star against matching nothing at
// the end of a path. Git never stores such paths, so for the paths Gitgate matches these
// lookarounds always hold, and dropping them leaves a regex RE2 can run.
const alwaysTrueForGitPaths = ["(?!(?:^|\\/)\\.{1,2}(?:\\/|$))", "(?!\\.{1,2}(?:\\/|$))", "(?=.)"];

/**
 * Compiles a glob with picomatch's meaning (dotfiles included) to a matcher that runs in time linear
 * in the path: picomatch's own regexes backtrack, and `**\/*-*-*-*-*.yml` against a name of 240
 * dashes took a minute. Throws for globs that need lookaround (negation: `!x`, `!(x)`).
 */
export function compileLinearGlob(glob: string): (path: string) => boolean {
  const known = compiled.get(glob);
  if (known) return known;
  const matcher = compile(glob);
  if (keptLength + glob.length > maxKeptLength) {
    compiled.clear();
    keptLength = 0;
  }
  compiled.set(glob, matcher);
  keptLength += glob.length;
  return matcher;
}

/**
 * Matchers by glob. A config's globs are compiled when they are checked, again for each matcher built
 * from them, and the built-in ones for every evaluation: 10 compilations of 4 globs in a one-file
 * validate, each of a few milliseconds while the code is cold. Bounded by the globs' length (a matcher's
 * size follows it), as an App sees the globs of every repository it judges, hostile ones included; a
 * glob that does not compile throws every time, and is never kept.
 */
const compiled = new Map<string, (path: string) => boolean>();
const maxKeptLength = 64 * 1024;
let keptLength = 0;

function compile(glob: string): (path: string) => boolean {
  let source = picomatch.makeRe(glob, { dot: true }).source;
  for (const guard of alwaysTrueForGitPaths) source = source.split(guard).join("");
  if (/\(\?<?[=!]/.test(source)) throw new Error("negated patterns (a leading \"!\" or \"!(…)\") are not supported");
  // DOTALL: git allows a line break in a file name, and `**` (picomatch's `.`) must cross it like any
  // other character, or `k8s/**` would leave `k8s/evil\n.yaml` ungoverned while kubectl applies it.
  const regex = RE2JS.compile(RE2JS.translateRegExp(source), RE2JS.DOTALL);
  // picomatch also matches a path equal to the glob itself (a literal with special characters).
  return (path) => path === glob || regex.test(path);
}
