import type { Logger } from "pino";
import { findUnjudgedPulls } from "../github/find-unjudged-pulls.js";
import type { GitHub, RepoRef } from "../github/github-types.js";

export interface ReconcileDeps {
  appId: number;
  /** Authenticated as the App (lists installations). */
  appClient: () => Promise<GitHub>;
  installationClient: (installation: number) => Promise<GitHub>;
  submit: (target: { repo: RepoRef; installation: number; number: number; baseRef?: string }, origin: { delivery: string; event: string }) => Promise<void>;
  log: () => Logger;
  /** At most this many open PRs looked at per sweep (all installations), so one sweep stays bounded. */
  maxPulls?: number;
}

/**
 * Nothing acknowledged is lost for good: GitHub counts a delivery answered 200 as done, so work lost
 * after that (a crash, a lost job) is found here instead. Every installation's repositories are
 * listed, and each open PR whose head has no completed verdict is submitted again, as a webhook
 * would have. PRs already being judged coalesce with their job; a PR judged twice keeps one check run.
 */
export function reconcileSweep(deps: ReconcileDeps): () => Promise<number> {
  return async () => {
    const log = deps.log();
    const app = await deps.appClient();
    let budget = deps.maxPulls ?? 5000;
    let submitted = 0;
    const sweep = `reconcile-${new Date().toISOString()}`;
    const installations = await app.paginate(app.rest.apps.listInstallations, { per_page: 100 });
    for (const installation of installations) {
      if (installation.suspended_at) continue;
      const github = await deps.installationClient(installation.id);
      const repositories = await github.paginate(github.rest.apps.listReposAccessibleToInstallation, { per_page: 100 });
      for (const repository of repositories) {
        if (budget <= 0) {
          log.warn({ submitted }, "reconcile sweep stopped at its bound; the next sweep goes on");
          return submitted;
        }
        if (repository.archived) continue;
        const repo = { owner: repository.owner.login, repo: repository.name };
        try {
          const found = await findUnjudgedPulls(github, repo, deps.appId, budget);
          budget -= found.looked;
          for (const pr of found.pulls) {
            await deps.submit({ repo, installation: installation.id, number: pr.number, baseRef: pr.baseRef }, { delivery: `${sweep}:${repo.owner}/${repo.repo}#${pr.number}`, event: "reconcile" });
            submitted++;
          }
          if (found.pulls.length > 0) log.info({ repo: `${repo.owner}/${repo.repo}`, prs: found.pulls.map((p) => p.number) }, "open pull requests without a verdict: judging them");
        } catch (error) {
          // One repository GitHub cannot answer for now does not stop the others.
          log.warn({ repo: `${repo.owner}/${repo.repo}`, err: error }, "could not reconcile a repository");
        }
      }
    }
    return submitted;
  };
}
