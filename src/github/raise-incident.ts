import type { GitHub, RepoRef } from "./github-types.js";

/** Every incident issue carries this label; it is created when the repository does not have it. */
export const incidentLabel = "gitgate-bypass";

/**
 * Hidden in the issue body: what an incident is about, so the same incident is raised once. Its key is
 * the commit an incident is named after, or `deleted-<tip>` for a protected branch deleted at that tip.
 */
export const incidentMarker = (key: string) => `<!-- gitgate:bypass ${key} -->`;
const markerPattern = /<!-- gitgate:bypass ((?:deleted-)?[0-9a-f]{40}) -->/;

/** The key of a deletion incident (see incidentMarker). */
export const deletionKey = (tip: string) => `deleted-${tip}`;

/**
 * The incident issues already raised, by key (see incidentMarker): every issue with the label, open or closed (a closed
 * incident was dealt with, not forgotten). Read from the issue list, not the search API, whose index
 * lags: a duplicate delivery a second later must find the issue just opened. Only issues this App
 * opened count: anyone can write the marker, and a pusher who knows the commit in advance must not
 * silence its incident with an issue of their own.
 */
export async function raisedIncidents(github: GitHub, repo: RepoRef, appId: number): Promise<Map<string, { number: number; url: string }>> {
  const issues = await github.paginate(github.rest.issues.listForRepo, { owner: repo.owner, repo: repo.repo, labels: incidentLabel, state: "all", per_page: 100 });
  const raised = new Map<string, { number: number; url: string }>();
  for (const issue of issues) {
    if (issue.performed_via_github_app?.id !== appId) continue;
    const key = markerPattern.exec(issue.body ?? "")?.[1];
    if (key && !raised.has(key)) raised.set(key, { number: issue.number, url: issue.html_url });
  }
  return raised;
}

/** Opens the incident issue (with its label, created first if the repository lacks it). */
export async function openIncidentIssue(github: GitHub, repo: RepoRef, key: string, title: string, body: string): Promise<{ number: number; url: string }> {
  await ensureLabel(github, repo);
  const { data } = await github.rest.issues.create({ owner: repo.owner, repo: repo.repo, title, body: `${incidentMarker(key)}\n${body}`.slice(0, 65_000), labels: [incidentLabel] });
  return { number: data.number, url: data.html_url };
}

async function ensureLabel(github: GitHub, repo: RepoRef): Promise<void> {
  try {
    await github.rest.issues.getLabel({ owner: repo.owner, repo: repo.repo, name: incidentLabel });
  } catch (error) {
    if ((error as { status?: number }).status !== 404) throw error;
    await github.rest.issues.createLabel({ owner: repo.owner, repo: repo.repo, name: incidentLabel, color: "b60205", description: "A change reached a protected branch outside an approved pull request" }).catch((created: { status?: number }) => {
      // Created meanwhile by another job: what was wanted.
      if (created.status !== 422) throw created;
    });
  }
}
