import nock from "nock";
import type { FakeGitHub } from "../../src/fake-github/fake-github.js";

/**
 * Routes every request to api.github.com into the fake GitHub, at the HTTP level: the app's real
 * Octokit (auth, retries, pagination) runs unchanged. Nothing else may reach the network.
 */
export function routeGitHubTo(fake: FakeGitHub, origin = "https://api.github.com"): nock.Scope {
  nock.disableNetConnect();
  const scope = nock(origin).persist();
  for (const method of ["GET", "POST", "PATCH", "PUT", "DELETE"]) {
    scope.intercept(/.*/, method).reply(async (request: Request) => {
      const url = new URL(request.url);
      const text = await request.text();
      const response = await fake.handle({
        method,
        url: url.pathname + url.search,
        headers: Object.fromEntries(request.headers),
        body: text ? JSON.parse(text) : undefined,
      });
      return [response.status, response.body === undefined ? "" : JSON.stringify(response.body), { "content-type": "application/json", ...response.headers }];
    });
  }
  return scope;
}
