import type { Logger } from "pino";
import type { CompileRego } from "../engine/policy/policy-types.js";
import type { Report } from "../engine/report.js";
import type { GitHub, RepoRef } from "../github/github-types.js";

/** What a use case needs from the outside world; the app wires it, tests may vary it. */
export interface EvaluationDeps {
  github: GitHub;
  repo: RepoRef;
  appId: number;
  compileRego: CompileRego;
  /** Today as YYYY-MM-DD (exception expiry). */
  today: () => string;
  log: Logger;
  /** Told about every finished evaluation (metrics). */
  onEvaluated?: (report: Report | undefined, seconds: number) => void;
}
