import { checkNames, type GitHub, type RepoRef } from "./github-types.js";

/** GitHub Actions can name a check run anything: a workflow's `gitgate/validate` is never Gitgate's. */
export const actionsSlug = "github-actions";

export type ValidatingApp = { appId: number } | { appId: undefined; reason: "none" } | { appId: undefined; reason: "ambiguous"; apps: string[] };

/**
 * Which GitHub App published `gitgate/validate` on `sha`: the App whose check runs (and the governed-diff
 * digests they record) the CLI trusts, as the App trusts only its own. Several Apps publishing that name
 * cannot be told apart here: the caller asks for `--app-id` then, rather than trusting one of them.
 */
export async function findValidatingApp(github: GitHub, repo: RepoRef, sha: string): Promise<ValidatingApp> {
  const { data } = await github.rest.checks.listForRef({ owner: repo.owner, repo: repo.repo, ref: sha, check_name: checkNames.validate, per_page: 100 });
  const apps = new Map<number, string>();
  for (const run of data.check_runs) {
    if (run.app && run.app.slug !== actionsSlug) apps.set(run.app.id, run.app.slug ?? String(run.app.id));
  }
  if (apps.size === 0) return { appId: undefined, reason: "none" };
  if (apps.size > 1) return { appId: undefined, reason: "ambiguous", apps: [...apps].map(([id, slug]) => `${slug} (${id})`) };
  return { appId: [...apps.keys()][0]! };
}
