import picomatch from "picomatch";

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
  } catch (error) {
    return `invalid glob "${glob}": ${(error as Error).message}`;
  }
  return undefined;
}

/** One matcher for include globs minus exclude globs; dotfiles such as .github/ are matched too. */
export function createMatcher(include: readonly string[], exclude: readonly string[] = []): (path: string) => boolean {
  const included = picomatch([...include], { dot: true });
  const excluded = exclude.length > 0 ? picomatch([...exclude], { dot: true }) : () => false;
  return (path) => included(path) && !excluded(path);
}
