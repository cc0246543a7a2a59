import { GraphqlResponseError } from "@octokit/graphql";
import type { GitHub } from "./github-types.js";

/**
 * Runs a GraphQL query and returns its data. GitHub answers a query that names something missing (a
 * repository, a file) with partial data plus NOT_FOUND errors: those parts are simply null, and only
 * other errors are thrown.
 */
export async function graphqlQuery<T>(github: GitHub, query: string, variables: Record<string, unknown>): Promise<T> {
  try {
    return await github.graphql<T>(query, variables);
  } catch (error) {
    if (error instanceof GraphqlResponseError && error.data && error.errors?.every((e) => e.type === "NOT_FOUND")) {
      return error.data as T;
    }
    throw error;
  }
}
