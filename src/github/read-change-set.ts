import { isLinkEntry, type ChangeSet, type ChangeStatus, type FileChange, type FileContent } from "../engine/change-set.js";
import { contextPathsFor } from "../engine/gitops-files.js";
import type { GitHub, RepoRef } from "./github-types.js";
import { keyOf, readFilesAt, type FileRequest, type FilesAt } from "./read-files-at.js";

/** GitHub lists at most this many files of a PR; beyond it the list is silently partial. */
export const maxListedFiles = 3000;
/** The compare API lists at most this many files. */
export const compareFileLimit = 300;

export class ChangeTooLargeError extends Error {
  override name = "ChangeTooLargeError";
}

export interface ChangedPath {
  path: string;
  status: ChangeStatus;
  previousPath?: string;
}

const statusOf: Record<string, ChangeStatus> = { added: "added", removed: "removed", modified: "modified", renamed: "renamed", copied: "added", changed: "modified" };

/** A file as GitHub's REST lists of changed files give it (compare, a PR's files, a commit's files), as Gitgate names it. */
export function changedPathOf(file: { filename: string; status: string; previous_filename?: string }): ChangedPath {
  return { path: file.filename, status: statusOf[file.status] ?? "modified", ...(file.previous_filename ? { previousPath: file.previous_filename } : {}) };
}

/**
 * The files base...head changes, and their merge base, with the fewest calls: one compare (which
 * also gives the merge base) for up to 300 files, else the PR's paged file list. At GitHub's cap of
 * 3,000 files the list may be partial: that fails closed, never validates a partial set.
 */
export async function listChanges(github: GitHub, repo: RepoRef, base: string, head: string, pullNumber?: number): Promise<{ mergeBase: string; files: ChangedPath[] }> {
  const { data } = await github.rest.repos.compareCommitsWithBasehead({ owner: repo.owner, repo: repo.repo, basehead: `${base}...${head}`, per_page: 1 });
  const mergeBase = data.merge_base_commit.sha;
  let listed = data.files ?? [];
  if (listed.length >= compareFileLimit) {
    if (pullNumber === undefined) throw new ChangeTooLargeError(`the change touches ${compareFileLimit} files or more, more than can be listed for a merge group: too large to validate`);
    listed = await listPullFiles(github, repo, pullNumber);
    if (listed.length >= maxListedFiles) throw new ChangeTooLargeError(`the pull request changes ${maxListedFiles} files or more, GitHub's listing limit: too large to validate`);
  }
  return {
    mergeBase,
    files: listed.map(changedPathOf),
  };
}

/** Files per page of a PR's file list: GitHub's most. */
const filesPerPage = 100;

/**
 * A PR's paged file list, the pages after the first asked for together: the first page's links say
 * how many there are, and a 1,000-file PR's list then takes two round trips instead of ten. Without
 * a last-page link, the pages are followed one by one.
 */
async function listPullFiles(github: GitHub, repo: RepoRef, pullNumber: number) {
  const page = (n: number) => github.rest.pulls.listFiles({ owner: repo.owner, repo: repo.repo, pull_number: pullNumber, per_page: filesPerPage, page: n });
  const first = await page(1);
  const last = Number(/<[^>]*[?&]page=(\d+)[^>]*>;\s*rel="last"/.exec(first.headers.link ?? "")?.[1] ?? 1);
  if (last <= 1) {
    if (!/rel="next"/.test(first.headers.link ?? "")) return first.data;
    return [...first.data, ...(await github.paginate(github.rest.pulls.listFiles, { owner: repo.owner, repo: repo.repo, pull_number: pullNumber, per_page: filesPerPage, page: 2 }))];
  }
  const rest = await Promise.all(Array.from({ length: last - 1 }, (_, i) => page(i + 2)));
  return [first, ...rest].flatMap((p) => p.data);
}

/** Reads both versions of the given changed files: at the merge base and at the head, batched. */
export async function readChangeSet(github: GitHub, repo: RepoRef, mergeBase: string, head: string, changed: readonly ChangedPath[], maxBytes: number): Promise<ChangeSet> {
  return assembleChangeSet(await readFilesAt(github, repo, changeSetRequests(mergeBase, head, changed), maxBytes), mergeBase, head, changed);
}

/**
 * What reading a change takes: both versions of each file, and, as probes, the files that decide how
 * the changed ones are read (Chart.yaml, kustomizations): no request of their own for up to 100 of
 * them per query. `maxBytes` is given when these ride in a query with other limits.
 */
export function changeSetRequests(mergeBase: string, head: string, changed: readonly ChangedPath[], maxBytes?: number): FileRequest[] {
  const limit = maxBytes !== undefined ? { maxBytes } : {};
  return [
    ...changed.filter((f) => f.status !== "added").map((f) => ({ oid: mergeBase, path: f.previousPath ?? f.path, ...limit })),
    ...changed.filter((f) => f.status !== "removed").map((f) => ({ oid: head, path: f.path, ...limit })),
    ...contextPathsFor(changed.filter((f) => f.status !== "removed").map((f) => f.path)).map((path) => ({ oid: head, path, probe: true, ...limit })),
  ];
}

/** The change set from what `changeSetRequests` read. */
export function assembleChangeSet(read: FilesAt, mergeBase: string, head: string, changed: readonly ChangedPath[]): ChangeSet {
  const files: FileChange[] = changed.map((f) => {
    const b = f.status !== "added" ? read.files.get(keyOf(mergeBase, f.previousPath ?? f.path)) : undefined;
    const a = f.status !== "removed" ? read.files.get(keyOf(head, f.path)) : undefined;
    return { ...f, ...(b ? { before: b } : {}), ...(a ? { after: a } : {}) };
  });
  const headContext = new Map<string, FileContent | undefined>();
  for (const path of contextPathsFor(changed.filter((f) => f.status !== "removed").map((f) => f.path))) {
    const content = read.files.get(keyOf(head, path));
    // A link decides nothing: it is never read as the file it stands for.
    if (content && !isLinkEntry(content)) headContext.set(path, content);
  }
  return { base: mergeBase, head, files, ...(headContext.size > 0 ? { headContext } : {}) };
}
