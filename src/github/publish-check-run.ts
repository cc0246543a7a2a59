import { markdownText } from "../render/escape-markdown.js";
import type { GitHubOutput } from "./check-run-output.js";
import { validateExternalId, type JudgedDigest } from "./verdict-records.js";
import { checkNames, type GitHub, type RepoRef } from "./github-types.js";

/** GitHub takes at most 50 annotations per request; more are appended by further updates. */
const annotationsPerRequest = 50;
/** Beyond this, annotations stop helping: the summary lists the rest. */
const maxAnnotations = 1000;

export const rerunAction = { label: "Re-run", description: "Evaluate this change again", identifier: "rerun" } as const;

/** Marks the head's check run in progress, creating it unless Gitgate already has one on that commit. */
export async function startCheckRun(github: GitHub, repo: RepoRef, headSha: string, existingId: number | undefined): Promise<number> {
  const started_at = new Date().toISOString();
  if (existingId !== undefined) {
    await github.rest.checks.update({ ...repoParams(repo), check_run_id: existingId, status: "in_progress", started_at });
    return existingId;
  }
  const { data } = await github.rest.checks.create({ ...repoParams(repo), name: checkNames.validate, head_sha: headSha, status: "in_progress", started_at });
  return data.id;
}

/** The check run of a commit that is not a PR head (merge groups): found through the REST listing. */
export async function findCheckRun(github: GitHub, repo: RepoRef, sha: string, appId: number): Promise<number | undefined> {
  const { data } = await github.rest.checks.listForRef({ ...repoParams(repo), ref: sha, check_name: checkNames.validate, app_id: appId, per_page: 1 });
  return data.check_runs[0]?.id;
}

/** One base a head commit was judged against (a PR into it), rendered in the worker. */
export interface JudgedBase {
  pullNumber: number;
  baseRef: string;
  output: GitHubOutput;
}

/**
 * Completes the check run with the verdict: summary (counts and findings), the preview as text,
 * annotations on the exact lines (most severe first, 50 per request) and a Re-run button. `decidedFor`:
 * every pull request and base the verdict judged, recorded with it (see validateExternalId).
 * A head open into several bases gets one verdict for all: failure if any base fails it, a summary
 * section per base, and the annotations of each (marked with their base).
 */
export async function completeCheckRun(github: GitHub, repo: RepoRef, at: number | { headSha: string }, judged: GitHubOutput | readonly JudgedBase[], decidedFor: readonly JudgedDigest[]): Promise<number> {
  const { conclusion, title, summary, text, annotations } = "conclusion" in judged ? judged : several(judged);
  const verdict = {
    ...repoParams(repo),
    // For whom the verdict was decided (the guard accepts it for no other pull request or base), and
    // the digests that let an approval of this commit carry over to a later head with the same governed change.
    external_id: validateExternalId(decidedFor),
    status: "completed" as const,
    conclusion,
    completed_at: new Date().toISOString(),
    output: { title, summary, text, annotations: annotations.slice(0, annotationsPerRequest) },
    actions: [rerunAction],
  };
  // No run on the head yet (the evaluation was quick): the verdict is its first and only write.
  const id = typeof at === "number"
    ? (await github.rest.checks.update({ ...verdict, check_run_id: at }), at)
    : (await github.rest.checks.create({ ...verdict, name: checkNames.validate, head_sha: at.headSha })).data.id;
  for (let start = annotationsPerRequest; start < annotations.length; start += annotationsPerRequest) {
    await github.rest.checks.update({
      ...repoParams(repo),
      check_run_id: id,
      output: { title, summary, annotations: annotations.slice(start, start + annotationsPerRequest) },
    });
  }
  return id;
}

/** Several bases' outputs (each rendered to its share of the limits) as one. */
function several(judged: readonly JudgedBase[]): Omit<GitHubOutput, "comment"> {
  const conclusion = judged.some((j) => j.output.conclusion === "failure") ? "failure" as const : "success" as const;
  const name = (j: JudgedBase) => `into ${j.baseRef} (#${j.pullNumber})`;
  const title = judged.map((j) => `${name(j)}: ${j.output.title}`).join("; ").slice(0, 1000);
  const intro = `This commit is the head of ${judged.length} open pull requests; each base's rules judge it, and it passes only if every base passes it.\n\n` +
    judged.map((j) => `- ${j.output.conclusion === "success" ? "✅" : "❌"} **${name(j)}**: ${j.output.conclusion} (${j.output.title})`).join("\n") + "\n";
  const summary = intro + judged.map((j) => `\n---\n\n### Pull request #${j.pullNumber} into \`${j.baseRef}\`\n\n${j.output.summary}`).join("");
  const text = judged.map((j) => `## ${name(j)}\n\n${j.output.text}`).join("\n");
  // The failing bases' annotations first: they are the ones that need reading.
  const ordered = [...judged].sort((a, b) => Number(a.output.conclusion === "success") - Number(b.output.conclusion === "success"));
  const annotations = ordered.flatMap((j) => j.output.annotations.map((a) => ({ ...a, title: `${a.title} [into ${j.baseRef}]` }))).slice(0, maxAnnotations);
  return { conclusion, title, summary, text, annotations };
}

/** When Gitgate cannot decide, its check fails and says why: never neutral, never left in progress. */
export async function failCheckRun(github: GitHub, repo: RepoRef, at: number | { headSha: string }, reason: string): Promise<void> {
  const failure = {
    ...repoParams(repo),
    external_id: "",
    status: "completed" as const,
    conclusion: "failure" as const,
    completed_at: new Date().toISOString(),
    output: {
      title: "Could not evaluate",
      // The reason can name a file of the change (the one a bound stopped the judging at): input.
      summary: `Gitgate could not evaluate this change, so it cannot pass it.\n\n**Reason:** ${markdownText(reason.slice(0, 2000))}\n\nUse **Re-run** once the cause is fixed.`,
    },
    actions: [rerunAction],
  };
  if (typeof at === "number") await github.rest.checks.update({ ...failure, check_run_id: at });
  else await github.rest.checks.create({ ...failure, name: checkNames.validate, head_sha: at.headSha });
}

/**
 * Completes, as cancelled, a run an interrupted attempt marked in progress on a head that is no longer
 * the one to judge: nothing else would ever complete it. Cancelled does not satisfy a required check.
 */
export async function cancelCheckRun(github: GitHub, repo: RepoRef, id: number, why: string): Promise<void> {
  await github.rest.checks.update({
    ...repoParams(repo),
    check_run_id: id,
    status: "completed",
    conclusion: "cancelled",
    completed_at: new Date().toISOString(),
    output: { title: "Evaluation interrupted", summary: `Gitgate's evaluation of this commit was interrupted (the replica running it stopped), and ${why}, so it was not judged again.` },
  });
}

/** A check run marked in progress: which one, on which head (handed on so a crash leaves none spinning). */
export interface StartedRun {
  id: number;
  headSha: string;
}

/** Evaluations quicker than this publish only their verdict; slower ones first show "in progress". */
export const inProgressAfterMs = 1000;
/**
 * A change of this many files takes longer than that to judge: its run is marked in progress as soon
 * as its size is known. Waiting for the delay would only hold its verdict back: GitHub's writes are
 * spaced a second apart, so a verdict reached just after an in-progress write waits for that second.
 */
export const inProgressFromFiles = 300;

/**
 * The head's check run while its verdict is being reached: nothing is written unless the evaluation
 * outlasts `delayMs` (or `now()` says it will), then the run is marked in progress (so a slow check
 * shows it is being worked on). `target()` is where the verdict goes: the run's id once one exists,
 * else the head to create it on.
 */
export function slowStartCheckRun(github: GitHub, repo: RepoRef, headSha: string, existingId: number | undefined, delayMs = inProgressAfterMs, onStarted?: (run: StartedRun) => Promise<void>) {
  let started: Promise<number | undefined> | undefined;
  let done = false;
  const start = () => {
    // Never once the verdict is on its way: it would mark a judged head in progress again.
    if (done) return;
    started ??= startCheckRun(github, repo, headSha, existingId).then(
      // Handed on before anything else is written, so that an attempt after a crash can complete it.
      async (id) => (await onStarted?.({ id, headSha }).catch(() => undefined), id),
      () => existingId,
    );
  };
  const timer = setTimeout(start, delayMs);
  timer.unref();
  return {
    /** The evaluation is known to be slow: in progress now, not after the delay. */
    now(): void {
      clearTimeout(timer);
      start();
    },
    async target(): Promise<number | { headSha: string }> {
      done = true;
      clearTimeout(timer);
      const id = started ? await started : existingId;
      return id ?? { headSha };
    },
  };
}

function repoParams(repo: RepoRef) {
  return { owner: repo.owner, repo: repo.repo };
}
