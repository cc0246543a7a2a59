import type { GitHub, RepoRef } from "./github-types.js";

export interface IncidentIssue {
  /** What makes two incidents the same one (e.g. "protection:main:force-push-allowed"). */
  key: string;
  label: string;
  title: string;
  body: string;
}

export interface RaisedIssue {
  number: number;
  action: "created" | "updated" | "unchanged";
}

/** The hidden line that identifies an incident's issue; the key is encoded so it can never end the comment. */
export function incidentMarker(key: string): string {
  return `<!-- gitgate:incident:${encodeURIComponent(key)} -->`;
}

/**
 * Finds the open issue this App opened for the incident (by its hidden marker, among the open issues
 * with the label) and updates it when `update` and its text changed; opens one when there is none.
 * Only issues the App itself wrote count: anyone may paste a marker into an issue of their own, and
 * that must not silence an incident.
 */
export async function raiseIncidentIssue(github: GitHub, repo: RepoRef, appId: number, incident: IncidentIssue, options: { update: boolean } = { update: true }): Promise<RaisedIssue> {
  const marker = incidentMarker(incident.key);
  const body = `${marker}\n${incident.body}`;
  for await (const page of github.paginate.iterator(github.rest.issues.listForRepo, { ...repo, state: "open", labels: incident.label, per_page: 100 })) {
    const found = page.data.find((issue) => !issue.pull_request && issue.performed_via_github_app?.id === appId && issue.body?.startsWith(marker));
    if (!found) continue;
    if (!options.update || (found.body === body && found.title === incident.title)) return { number: found.number, action: "unchanged" };
    await github.rest.issues.update({ ...repo, issue_number: found.number, title: incident.title, body });
    return { number: found.number, action: "updated" };
  }
  const { data } = await github.rest.issues.create({ ...repo, title: incident.title, body, labels: [incident.label] });
  return { number: data.number, action: "created" };
}
