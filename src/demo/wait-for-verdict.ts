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

/** Waits for the sticky preview comment of a PR, published right after the verdict. */
export async function waitForComment(repo: FakeRepository, issueNumber: number, timeoutMs = 30_000): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const comment = repo.comments.find((c) => c.issueNumber === issueNumber);
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
