import type { ProbotOctokit } from "probot";

/** An installation-authenticated client: REST under `.rest`, GraphQL under `.graphql`. */
export type GitHub = ProbotOctokit;

export interface RepoRef {
  owner: string;
  repo: string;
}

/** The check runs Gitgate publishes; branch protection requires them by these names. */
export const checkNames = { validate: "gitgate/validate", approval: "gitgate/approval", guard: "gitgate/guard" } as const;

/** Marks Gitgate's sticky preview comment so it is found and edited in place. */
export const previewMarker = "<!-- gitgate:preview -->";
