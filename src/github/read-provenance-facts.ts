import { mapConcurrent } from "../engine/map-concurrent.js";
import type { AppCheckRun, AssociatedPull } from "../engine/guard/guard-types.js";
import { actionsSlug } from "./find-validating-app.js";
import { checkNames, type GitHub, type RepoRef } from "./github-types.js";
import { protectionRunPrefix } from "./publish-drift-check.js";
import { recordedJudgedFor } from "./verdict-records.js";

/** What GitHub says about a set of commits: their pull requests and this App's check runs on them. */
export interface ProvenanceFacts {
  pullsByCommit: Map<string, AssociatedPull[]>;
  checksByCommit: Map<string, AppCheckRun[]>;
  /** Gitgate's `gitgate/guard` provenance run already on a commit (updated in place, never duplicated). */
  guardRuns: Map<string, number>;
  /** Commits carrying a protection incident's failing `gitgate/guard` run (see publishDriftCheck). */
  protectionIncidents: Set<string>;
  /** Links to the pull requests seen, by number. */
  pullUrls: Map<number, string>;
}

/** Reads in flight at once: well under GitHub's limit on concurrent requests. */
const concurrency = 8;

/**
 * For each commit, the pull requests GitHub associates with it and this App's check runs on it (with
 * the pull requests and bases each run's verdict was decided for, as it recorded them); then
 * the check runs of every merged head not among the commits (a squash or rebase merge leaves the head
 * off the branch). Two reads per commit and one per such head: pages, not files. `appId` undefined
 * (the CLI, before it knows the App) keeps every App's runs but GitHub Actions', with the App's id kept
 * on each.
 * `alsoMergedInto`: other branches whose merged pull requests count (see GuardFacts).
 */
export async function readProvenanceFacts(github: GitHub, repo: RepoRef, shas: readonly string[], branch: string, appId: number | undefined, alsoMergedInto?: (baseRef: string) => boolean): Promise<ProvenanceFacts & { appsByRun: Map<AppCheckRun, number> }> {
  const facts = { pullsByCommit: new Map<string, AssociatedPull[]>(), checksByCommit: new Map<string, AppCheckRun[]>(), guardRuns: new Map<string, number>(), protectionIncidents: new Set<string>(), pullUrls: new Map<number, string>(), appsByRun: new Map<AppCheckRun, number>() };
  const readRuns = async (sha: string) => {
    const runs = await github.paginate(github.rest.checks.listForRef, { owner: repo.owner, repo: repo.repo, ref: sha, per_page: 100, ...(appId !== undefined ? { app_id: appId } : {}) });
    const mine: AppCheckRun[] = [];
    for (const run of runs) {
      // Not knowing the App yet, runs are kept with their App's id for the caller to choose among, but
      // never GitHub Actions' (any workflow may name a run gitgate/validate) nor a run naming no App.
      if (appId === undefined && (!run.app || run.app.slug === actionsSlug)) continue;
      if (run.name === checkNames.guard) {
        // A protection incident's run is its own record: never taken over by the commit's provenance.
        if (run.external_id?.startsWith(protectionRunPrefix)) facts.protectionIncidents.add(sha);
        else if (appId !== undefined) facts.guardRuns.set(sha, run.id);
        continue;
      }
      const pull = /\/pull\/(\d+)$/.exec(run.details_url ?? "")?.[1];
      const checkRun: AppCheckRun = { id: run.id, name: run.name, headSha: run.head_sha, status: run.status, conclusion: run.conclusion, judgedFor: recordedJudgedFor(run.name, run.external_id), ...(pull ? { pullNumber: Number(pull) } : {}) };
      if (run.app) facts.appsByRun.set(checkRun, run.app.id);
      mine.push(checkRun);
    }
    facts.checksByCommit.set(sha, mine);
  };
  await mapConcurrent(shas, concurrency, async (sha) => {
    const [pulls] = await Promise.all([
      github.paginate(github.rest.repos.listPullRequestsAssociatedWithCommit, { owner: repo.owner, repo: repo.repo, commit_sha: sha, per_page: 100 }),
      readRuns(sha),
    ]);
    facts.pullsByCommit.set(sha, pulls.map((p) => {
      facts.pullUrls.set(p.number, p.html_url);
      return { number: p.number, merged: Boolean(p.merged_at), baseRef: p.base.ref, headSha: p.head.sha, mergeCommitSha: p.merge_commit_sha ?? undefined };
    }));
  });
  const heads = new Set<string>();
  for (const pulls of facts.pullsByCommit.values()) for (const p of pulls) if (p.merged && (p.baseRef === branch || alsoMergedInto?.(p.baseRef) === true) && !facts.checksByCommit.has(p.headSha)) heads.add(p.headSha);
  await mapConcurrent([...heads], concurrency, readRuns);
  return facts;
}

/** This App's `gitgate/guard` provenance run on one commit, if it has one (see ProvenanceFacts.guardRuns). */
export async function readGuardRun(github: GitHub, repo: RepoRef, sha: string, appId: number): Promise<number | undefined> {
  return (await readGuardVerdict(github, repo, sha, appId))?.id;
}

/** That run with its conclusion: "failure" when the guard found the commit a bypass (or could not verify it). */
export async function readGuardVerdict(github: GitHub, repo: RepoRef, sha: string, appId: number): Promise<{ id: number; conclusion: string | null } | undefined> {
  const runs = await github.paginate(github.rest.checks.listForRef, { owner: repo.owner, repo: repo.repo, ref: sha, check_name: checkNames.guard, app_id: appId, per_page: 100 });
  const run = runs.filter((r) => !r.external_id?.startsWith(protectionRunPrefix)).at(-1);
  return run && { id: run.id, conclusion: run.conclusion };
}
