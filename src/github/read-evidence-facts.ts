import type { ReviewState } from "../engine/approvals/approval-types.js";
import type { EvidencePullFacts, FilesRecord } from "../engine/evidence/assemble-evidence.js";
import { mapConcurrent } from "../engine/map-concurrent.js";
import { changedPathOf, maxListedFiles } from "./read-change-set.js";
import type { GitHub, RepoRef } from "./github-types.js";

/** Reads in flight at once: well under GitHub's limit on concurrent requests. */
const concurrency = 8;
const perPage = 100;

const reviewStates = new Set<string>(["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"]);

type ListedFile = { filename: string; status: string; previous_filename?: string };

/**
 * What the evidence record says about each pull request: title, author, who merged it and when, its
 * reviews and the files it changed. Three reads per pull request (more for long lists): pages, not files.
 */
export async function readEvidencePulls(github: GitHub, repo: RepoRef, numbers: readonly number[]): Promise<Map<number, EvidencePullFacts>> {
  const pulls = new Map<number, EvidencePullFacts>();
  await mapConcurrent([...numbers], concurrency, async (number) => {
    const request = { owner: repo.owner, repo: repo.repo, pull_number: number, per_page: perPage };
    const [{ data: pull }, reviews, files] = await Promise.all([
      github.rest.pulls.get({ owner: repo.owner, repo: repo.repo, pull_number: number }),
      github.paginate(github.rest.pulls.listReviews, request),
      github.paginate(github.rest.pulls.listFiles, request),
    ]);
    pulls.set(number, {
      number,
      title: pull.title,
      url: pull.html_url,
      author: pull.user?.login ?? null,
      mergedBy: pull.merged_by?.login ?? null,
      mergedAt: pull.merged_at ?? null,
      headSha: pull.head.sha,
      // A review by a deleted account, or one never submitted, stands for nothing.
      reviews: reviews.flatMap((r) => (r.user && r.commit_id && r.submitted_at && reviewStates.has(r.state) ? [{ user: r.user.login, state: r.state as ReviewState, commitId: r.commit_id, submittedAt: r.submitted_at }] : [])),
      // GitHub lists at most 3,000 files of a pull request.
      changed: filesRecord(files, files.length < maxListedFiles),
    });
  });
  return pulls;
}

/** GitHub lists at most this many files of one commit, a page at a time. */
const maxCommitFiles = 3000;

/** What each commit changed against its first parent, as GitHub's commit API lists it. */
export async function readCommitFiles(github: GitHub, repo: RepoRef, shas: readonly string[]): Promise<Map<string, FilesRecord>> {
  const changed = new Map<string, FilesRecord>();
  await mapConcurrent([...shas], concurrency, async (sha) => {
    const files: ListedFile[] = [];
    for (let page = 1; ; page++) {
      const { data } = await github.rest.repos.getCommit({ owner: repo.owner, repo: repo.repo, ref: sha, per_page: perPage, page });
      const listed = data.files ?? [];
      files.push(...listed);
      if (listed.length < perPage || files.length >= maxCommitFiles) break;
    }
    changed.set(sha, filesRecord(files, files.length < maxCommitFiles));
  });
  return changed;
}

function filesRecord(files: readonly ListedFile[], complete: boolean): FilesRecord {
  return {
    files: files.map(changedPathOf),
    complete,
  };
}
