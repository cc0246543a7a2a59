import { ancestorsWithin } from "./commit-graph.js";
import type { AssociatedPull, BypassReason, FileAfter, GuardCommit, GuardFacts } from "./guard-types.js";

// A merge commit is a commit like any other: whoever makes it (an admin merging on their machine, or
// anyone forging a merge) may put edits of their own in it. GitHub still marks the pull request merged
// by it, so the guard checks that it leaves the branch as merging the pull request's head does.

/** The key of a merge commit's content in GuardFacts.mergeContents. */
export const mergeKey = (merge: string, pull: number) => `${merge} #${pull}`;

/**
 * A commit landing this pull request that is not its merged head, and what to compare it from:
 * - a merge commit (GitHub's too: what its signature proves is checked, not assumed), from its first
 *   parent: it must leave the branch as merging the head into it does;
 * - a single-parent commit with the head among its ancestors (a pull request merged by a push of its
 *   head and more): from the head, and it may change nothing. GitHub's squash and rebase commits
 *   never descend from the head, and are its own work.
 */
function compareFrom(commit: GuardCommit, pull: AssociatedPull, facts: Pick<GuardFacts, "commits">): string | undefined {
  if (commit.sha !== pull.mergeCommitSha || commit.sha === pull.headSha) return undefined;
  if (commit.parents.length > 1) return commit.parents[0];
  // Signed or not: GitHub's web editor and applied suggestions commit as web-flow too.
  const bySha = new Map(facts.commits.map((c) => [c.sha, c]));
  return ancestorsWithin(commit.sha, bySha).has(pull.headSha) ? pull.headSha : undefined;
}

/** The commits landing pull requests whose content the shell must read (MergeContent) before the guard decides. */
export function mergesToCompare(facts: Omit<GuardFacts, "mergeContents">): { sha: string; firstParent: string; pull: number; head: string }[] {
  return facts.commits.flatMap((commit) => (facts.pullsByCommit.get(commit.sha) ?? [])
    .filter((p) => p.merged && (p.baseRef === facts.branch || facts.alsoMergedInto?.(p.baseRef) === true))
    .flatMap((p) => {
      const from = compareFrom(commit, p, facts);
      return from === undefined ? [] : [{ sha: commit.sha, firstParent: from, pull: p.number, head: p.headSha }];
    }));
}

/**
 * What is wrong with a commit landing a pull request (see compareFrom): a merge commit must merge the
 * pull request's head (its second parent) into the branch (its first), and any such commit must leave
 * every file as merging the head into what it is compared from does: a file only the pull request
 * changed as the head has it, every other file as the branch had it. A file both sides changed
 * differently is merged by git line by line and left as neither: only GitHub's own merge of it is
 * trusted, since Gitgate cannot tell another merge of it from an edit.
 */
export function mergeReasons(commit: GuardCommit, pull: AssociatedPull, facts: GuardFacts): BypassReason[] {
  if (compareFrom(commit, pull, facts) === undefined) return [];
  const unread = (why: string): BypassReason[] => [{ kind: "merge-unread", pull: pull.number, why }];
  if (commit.parents.length > 1 && (commit.parents.length !== 2 || commit.parents[1] !== pull.headSha)) return unread(`it does not merge the head ${pull.headSha.slice(0, 12)} into the branch (its parents: ${commit.parents.map((p) => p.slice(0, 12)).join(", ")})`);
  const content = facts.mergeContents?.get(mergeKey(commit.sha, pull.number));
  if (!content) return unread("what it changes was not read");
  if (!content.merge || !content.pull || !content.branch) return unread("it, the pull request or the branch changes more files than GitHub's compare lists whole");
  const pulled = afterMap(content.pull);
  const branched = afterMap(content.branch);
  // A file one side renamed and the other changed is changed on both sides under its new name too:
  // git's merge follows the rename.
  const renamedOver = (side: readonly FileAfter[], other: Map<string, string | null>) => side.filter((f) => f.from !== undefined && other.has(f.from)).map((f) => f.path);
  const bothSides = new Set([
    ...[...pulled.keys()].filter((path) => branched.has(path) && branched.get(path) !== pulled.get(path)),
    ...renamedOver(content.pull, branched),
    ...renamedOver(content.branch, pulled),
  ]);
  const both = [...bothSides];
  const merged = afterMap(content.merge);
  // What merging the head changes on the branch: what only the pull request changed.
  const expected = new Map([...pulled].filter(([path]) => !branched.has(path)));
  const state = (changes: Map<string, string | null>, path: string) => (changes.has(path) ? changes.get(path) : "unchanged");
  const paths = [...new Set([...expected.keys(), ...merged.keys()])].filter((path) => !bothSides.has(path) && state(merged, path) !== state(expected, path));
  return [
    ...(paths.length > 0 ? [{ kind: "merge-content" as const, pull: pull.number, paths }] : []),
    ...(both.length > 0 && commit.madeByGitHub !== true ? unread(`${both.slice(0, 5).join(", ")}${both.length > 5 ? ` and ${both.length - 5} more` : ""} changed on both sides, and a merge GitHub did not make cannot be told from an edit of them`) : []),
  ];
}

function afterMap(files: readonly FileAfter[]): Map<string, string | null> {
  return new Map(files.map((f) => [f.path, f.blob]));
}
