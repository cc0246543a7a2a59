import { ProbotOctokit } from "probot";
import type { GitHub } from "../github/github-types.js";

/**
 * A token-authenticated client with the App's retry and rate-limit handling. GitHub Enterprise Server is
 * reached through GITHUB_API_URL (https://HOST/api/v3; GraphQL is then at /api/graphql). Octokit's log
 * would print to standard output, which carries the verdict: warnings go nowhere but the verdict's notes.
 */
export function githubClient(token: string, baseUrl: string): GitHub {
  const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  return new ProbotOctokit({ auth: { token }, baseUrl: baseUrl.replace(/\/+$/, ""), log: quiet }) as unknown as GitHub;
}
