import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runGit } from "../git/run-git.js";

/** The bundled sample config repository and its prepared pull requests (examples/). */
export const examplesDir = fileURLToPath(new URL("../../examples/", import.meta.url));

export interface ExamplePr {
  name: string;
  title: string;
  author: string;
  /** `approval`: the gitgate/approval conclusion the demo expects once its reviews are in. */
  expected: { validate: "success" | "failure"; approval?: "success" | "action_required" | "failure" };
  /** What the demo does after opening the PR: reviews to submit, then (optionally) a rebase. */
  demo?: {
    reviews?: { user: string; state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" }[];
    /** Files a newer commit on main writes; the PR's branch is then rebased onto it. */
    rebaseOnto?: Record<string, string>;
  };
  /** Paths the PR deletes. */
  delete?: string[];
}

export async function listExamplePrs(): Promise<ExamplePr[]> {
  const names = (await readdir(join(examplesDir, "prs"))).sort();
  return Promise.all(
    names.map(async (name) => ({ name, ...JSON.parse(await readFile(join(examplesDir, "prs", name, "pr.json"), "utf8")) }) as ExamplePr),
  );
}

export interface ExampleRepo {
  dir: string;
  /** Branch holding the base state (examples/repo). */
  base: "main";
  /** One branch per prepared PR, named like the PR. */
  branches: string[];
  remove(): Promise<void>;
}

const identity = ["-c", "user.name=Gitgate Example", "-c", "user.email=example@gitgate.invalid", "-c", "commit.gpgsign=false"];

/**
 * Builds a throwaway git repository: `main` holds examples/repo, and each prepared PR is a branch
 * that overlays its files/ and deletes what its pr.json lists. Commit dates are fixed so shas are stable.
 */
export async function buildExampleRepo(prs?: readonly ExamplePr[]): Promise<ExampleRepo> {
  const dir = await mkdtemp(join(tmpdir(), "gitgate-example-"));
  const all = prs ?? (await listExamplePrs());
  const git = (...args: string[]) => runGit(dir, [...identity, ...args]);
  const env = { GIT_AUTHOR_DATE: "2026-01-01T00:00:00Z", GIT_COMMITTER_DATE: "2026-01-01T00:00:00Z" };
  Object.assign(process.env, env);
  await git("init", "-q", "-b", "main");
  await cp(join(examplesDir, "repo"), dir, { recursive: true });
  await git("add", "-A");
  await git("commit", "-q", "-m", "Sample platform config");
  for (const pr of all) {
    await git("checkout", "-q", "-b", pr.name, "main");
    await cp(join(examplesDir, "prs", pr.name, "files"), dir, { recursive: true });
    for (const path of pr.delete ?? []) await rm(join(dir, path));
    await git("add", "-A");
    await git("commit", "-q", "-m", pr.title);
  }
  await git("checkout", "-q", "main");
  return { dir, base: "main", branches: all.map((p) => p.name), remove: () => rm(dir, { recursive: true, force: true }) };
}
