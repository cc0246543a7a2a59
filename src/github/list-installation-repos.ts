import type { GitHub, RepoRef } from "./github-types.js";

export interface InstalledRepository extends RepoRef {
  installation: number;
  defaultBranch?: string;
}

/**
 * The repositories of the App's installations, at most `max` in all (a sweep is bounded; the log says
 * when it was cut). `app` is authenticated as the App; `asInstallation` gives an installation's client.
 * Archived repositories are skipped: nothing can be pushed to them.
 */
export async function listInstalledRepositories(app: GitHub, asInstallation: (id: number) => Promise<GitHub>, options: { max: number; installation?: number }): Promise<{ repositories: InstalledRepository[]; truncated: boolean }> {
  const repositories: InstalledRepository[] = [];
  const installations = options.installation !== undefined ? [options.installation] : (await app.paginate(app.rest.apps.listInstallations, { per_page: 100 })).filter((i) => !i.suspended_at).map((i) => i.id);
  for (const installation of installations) {
    const github = await asInstallation(installation);
    for await (const page of github.paginate.iterator(github.rest.apps.listReposAccessibleToInstallation, { per_page: 100 })) {
      for (const repo of page.data) {
        if (repo.archived) continue;
        if (repositories.length >= options.max) return { repositories, truncated: true };
        repositories.push({ installation, owner: repo.owner.login, repo: repo.name, ...(repo.default_branch ? { defaultBranch: repo.default_branch } : {}) });
      }
    }
  }
  return { repositories, truncated: false };
}
