import type { FakeGitHub } from "../fake-github/fake-github.js";
import type { FakeCheckRun, FakeRepository } from "../fake-github/fake-state.js";

/** Waits until the gitgate/validate check run of `headSha` is completed (the App answers webhooks before working). */
export async function waitForVerdict(repo: FakeRepository, headSha: string, timeoutMs = 60_000): Promise<FakeCheckRun> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = repo.checkRuns.find((r) => r.head_sha === headSha && r.name === "gitgate/validate" && r.status === "completed");
    if (run) return run;
    if (Date.now() > deadline) throw new Error(`no completed check run on ${headSha} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits for the sticky preview comment of a PR (one mentioning `containing`, when given), published right after the verdict. */
export async function waitForComment(repo: FakeRepository, issueNumber: number, timeoutMs = 30_000, containing = ""): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const comment = repo.comments.find((c) => c.issueNumber === issueNumber && c.body.includes(containing));
    if (comment) return comment.body;
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until the check run `name` of `headSha` is completed (gitgate/approval comes right after gitgate/validate). */
export async function waitForCheck(repo: FakeRepository, headSha: string, name: string, timeoutMs = 60_000): Promise<FakeCheckRun> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = repo.checkRuns.find((r) => r.head_sha === headSha && r.name === name && r.status === "completed");
    if (run) return run;
    if (Date.now() > deadline) throw new Error(`no completed ${name} check run on ${headSha} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Waits until Gitgate writes gitgate/approval on `headSha` after request number `since` (a review's
 * webhook updates the check run in place), and returns the run as it is then.
 */
export async function waitForApprovalUpdate(fake: FakeGitHub, repo: FakeRepository, headSha: string, since: number, timeoutMs = 30_000): Promise<FakeCheckRun> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = repo.checkRuns.find((r) => r.head_sha === headSha && r.name === "gitgate/approval" && r.status === "completed");
    const written = run && fake.requests.slice(since).some((r) => (r.method === "POST" && (r.body as { name?: string } | undefined)?.name === "gitgate/approval") || (r.method === "PATCH" && r.url.endsWith(`/check-runs/${run.id}`)));
    if (run && written) return run;
    if (Date.now() > deadline) throw new Error(`gitgate/approval on ${headSha} was not updated within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
