import { graphqlQuery } from "./graphql-query.js";
import type { GitHub } from "./github-types.js";

/**
 * Which of `teams` (slugs of the organisation `org`) each of `logins` belongs to, in ONE query: an
 * alias per team and login, each searching the team's members for that login (membership through
 * child teams included, as GitHub counts it for reviews). The search also matches names and longer
 * logins that contain the login (`dave` finds `dave1`, `davey`…), so only an exact login counts,
 * among the first 100 matches (with 10, a team with ten such members hid a real one). A user account
 * (no organisation) or a missing team has no members.
 */
export async function readTeamMembership(github: GitHub, org: string, teams: readonly string[], logins: readonly string[]): Promise<Map<string, string[]>> {
  const membership = new Map<string, string[]>(logins.map((login) => [login.toLowerCase(), []]));
  if (teams.length === 0 || logins.length === 0) return membership;
  const variables: Record<string, string> = { org };
  const fields: string[] = [];
  const pairs: { alias: string; team: string; login: string }[] = [];
  teams.forEach((team, t) => {
    variables[`t${t}`] = team;
    logins.forEach((login, l) => {
      const alias = `m${t}_${l}`;
      variables[`l${l}`] = login;
      pairs.push({ alias, team, login: login.toLowerCase() });
      fields.push(`${alias}: team(slug: $t${t}) { members(first: 100, query: $l${l}) { nodes { login } } }`);
    });
  });
  const declared = [...teams.map((_, t) => `$t${t}: String!`), ...logins.map((_, l) => `$l${l}: String!`)].join(", ");
  const query = `query($org: String!, ${declared}) { organization(login: $org) { ${fields.join(" ")} } }`;
  const data = await graphqlQuery<{ organization: Record<string, { members: { nodes: { login: string }[] } } | null> | null }>(github, query, variables);
  for (const { alias, team, login } of pairs) {
    const members = data.organization?.[alias]?.members.nodes ?? [];
    if (members.some((m) => m.login.toLowerCase() === login)) membership.get(login)!.push(team.toLowerCase());
  }
  return membership;
}
