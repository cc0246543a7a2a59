import picomatch from "picomatch";
import { compileLinearGlob } from "./linear-glob.js";

/** Why a glob can never do what its author meant, or undefined when it is fine. */
export function globProblem(glob: string): string | undefined {
  if (glob.startsWith("/") || glob.startsWith("./")) {
    return `glob "${glob}" never matches: paths are relative to the repository root, drop the leading "${glob.startsWith("/") ? "/" : "./"}"`;
  }
  if (glob.includes("\\") && !/\\[[\]{}()*?!+@]/.test(glob)) {
    return `glob "${glob}" uses a backslash: separate folders with "/"`;
  }
  try {
    picomatch.makeRe(glob, { strictBrackets: true, dot: true });
    compileLinearGlob(glob);
  } catch (error) {
    return `invalid glob "${glob}": ${(error as Error).message}`;
  }
  return undefined;
}

/**
 * One matcher for include globs minus exclude globs; dotfiles such as .github/ are matched too.
 * Matching is linear in the path (globs are untrusted); a glob globProblem refuses never gets here.
 */
export function createMatcher(include: readonly string[], exclude: readonly string[] = []): (path: string) => boolean {
  const included = anyOf(include);
  const excluded = exclude.length > 0 ? anyOf(exclude) : () => false;
  return (path) => included(path) && !excluded(path);
}

function anyOf(globs: readonly string[]): (path: string) => boolean {
  const matchers = globs.map(compileLinearGlob);
  return (path) => matchers.some((matches) => matches(path));
}
