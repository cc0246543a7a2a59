import { RE2JS } from "re2js";
import type { CodeOwnersFile, CodeOwnersRule } from "./approval-types.js";

/**
 * Reads a CODEOWNERS file with GitHub's rules: gitignore-style patterns, the last matching line wins,
 * owners are `@user`, `@org/team` or an email. Gitgate cannot tell whose account an email is, so it
 * stays an owner nobody can stand in for: a path owned by emails alone waits, never passes as unowned.
 * Lines GitHub ignores (negation, character ranges) are reported as problems, never guessed at.
 */
export function parseCodeOwners(path: string, text: string): CodeOwnersFile {
  const rules: CodeOwnersRule[] = [];
  const problems: { line: number; message: string }[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const content = stripComment(raw).trim();
    if (content === "") return;
    const [pattern, ...owners] = content.split(/\s+/) as [string, ...string[]];
    const problem = patternProblem(pattern);
    if (problem) {
      problems.push({ line, message: `pattern ${pattern} ${problem}: GitHub ignores this line` });
      return;
    }
    const logins: string[] = [];
    for (const owner of owners) {
      // Logins: letters, digits and hyphens, and an underscore in enterprise managed users' logins.
      if (/^@[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_.-]+)?$/.test(owner)) logins.push(owner.slice(1).toLowerCase());
      else if (/^[^@\s]+@[^@\s]+$/.test(owner)) {
        logins.push(owner.toLowerCase());
        problems.push({ line, message: `owner ${owner} is an email: Gitgate cannot tell whose account it is, so only the line's other owners can approve for it` });
      } else problems.push({ line, message: `owner ${owner} is not an @user, @org/team or email: GitHub ignores it` });
    }
    const regex = patternToRegExp(pattern.replace(/\\#/g, "#"));
    rules.push({ pattern, owners: logins, line, matches: (p) => regex.matches(p) });
  });
  return { path, rules, problems };
}

/** The owners of `path`: those of the last rule that matches it (none when that rule lists none). */
export function ownersOf(file: CodeOwnersFile, path: string): readonly string[] {
  if (file.resolved) return file.resolved.get(path) ?? [];
  for (let i = file.rules.length - 1; i >= 0; i--) {
    if (file.rules[i]!.matches(path)) return file.rules[i]!.owners;
  }
  return [];
}

function stripComment(line: string): string {
  // `#` starts a comment unless escaped as `\#`.
  const at = line.search(/(?<!\\)#/);
  return at === -1 ? line : line.slice(0, at);
}

function patternProblem(pattern: string): string | undefined {
  if (pattern.startsWith("!")) return "negates";
  if (/(?<!\\)\[/.test(pattern)) return "uses a character range";
  return undefined;
}

/**
 * gitignore semantics as GitHub documents them: a pattern with a slash before its end is anchored at
 * the root, one without matches at any depth; `*` and `?` stay within a folder, `**` crosses folders; a
 * pattern naming a folder owns everything inside it, but one ending in a wildcard (`docs/*`) owns only
 * what it matches, not deeper files; a trailing slash matches folders only. The file is repository
 * input, so the pattern runs on RE2 (linear in the path), never on a backtracking JS RegExp.
 */
function patternToRegExp(pattern: string): RE2JS {
  const folderOnly = pattern.endsWith("/");
  const body = pattern.replace(/\/+$/, "");
  const anchored = body.includes("/");
  const segments = body.replace(/^\/+/, "").split("/");
  let source = "";
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === "**") {
      source += last ? ".*" : "(?:[^/]+/)*";
      return;
    }
    source += segment.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*+/g, "[^/]*").replace(/\?/g, "[^/]") + (last ? "" : "/");
  });
  const prefix = anchored ? "^" : "^(?:[^/]+/)*";
  const last = segments.at(-1)!;
  const suffix = folderOnly ? "/.+$" : last !== "**" && /[*?]/.test(last) ? "$" : "(?:/.+)?$";
  // DOTALL: git allows a line break in a file name, and a folder's pattern (`.+`) must own it as any other.
  return RE2JS.compile(prefix + source + suffix, RE2JS.DOTALL);
}

/** The owners of each of `paths`, as plain data that can leave the thread that matched them. */
export function resolveCodeOwners(file: CodeOwnersFile, paths: readonly string[]): ResolvedCodeOwners {
  return { path: file.path, problems: file.problems, owners: paths.map((p) => [p, [...ownersOf(file, p)]]) };
}

export interface ResolvedCodeOwners {
  path: string;
  problems: CodeOwnersFile["problems"];
  owners: [string, string[]][];
}

/** A CODEOWNERS file whose owners were resolved elsewhere (see resolveCodeOwners). */
export function resolvedCodeOwnersFile(resolved: ResolvedCodeOwners): CodeOwnersFile {
  return { path: resolved.path, problems: resolved.problems, rules: [], resolved: new Map(resolved.owners) };
}
