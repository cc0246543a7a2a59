import type { GitStore } from "./git-store.js";

export interface FakePullRequest {
  number: number;
  title: string;
  author: string;
  headRef: string;
  baseRef: string;
  state: "open" | "closed";
  draft: boolean;
  labels: string[];
}

export interface FakeCheckRun {
  id: number;
  appId: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  started_at?: string;
  completed_at?: string;
  output: { title?: string; summary?: string; text?: string; annotations: Record<string, unknown>[] };
  actions: Record<string, unknown>[];
}

export interface FakeComment {
  id: number;
  issueNumber: number;
  body: string;
  /** The App that wrote it through an installation token, or a user. */
  author: { login: string; appId?: number };
}

export interface FakeRepository {
  owner: string;
  name: string;
  git: GitStore;
  installationId: number;
  pulls: Map<number, FakePullRequest>;
  checkRuns: FakeCheckRun[];
  comments: FakeComment[];
}
