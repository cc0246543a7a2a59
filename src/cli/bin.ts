#!/usr/bin/env node
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { enableCompileCache } from "node:module";
import { readEvaluationLimits } from "../evaluation/evaluation-limits.js";
import { startThreadsAtFullYoungGeneration } from "../evaluation/heap-flags.js";
import { holdEarly, startEvaluationWorker } from "../evaluation/start-evaluation-worker.js";
import type * as Cli from "./main.js";

// A reader that leaves early (`gitgate validate | head`) closes the pipe: what is left of the report
// has nowhere to go, but the command still finishes and exits with its verdict's status.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});

// Before any thread starts (see holdHeapsForLargeRun for the rest).
startThreadsAtFullYoungGeneration();

// A command is mostly start-up: the CLI and each thread it starts load the same modules every run. V8's
// code for them is kept on disk (NODE_COMPILE_CACHE; by default in the user's cache folder, not the
// shared temporary one, where another user could leave code for us to run; a cache that cannot be
// written is skipped quietly) and handed to the worker threads through the environment they inherit.
const cache = enableCompileCache(process.env.NODE_COMPILE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "gitgate", "node-compile-cache"));
if (cache.directory !== undefined) process.env.NODE_COMPILE_CACHE ??= cache.directory;
// The same code bundled by `npm run build` (scripts/bundle-cli.ts): one file for each thread to load
// instead of a hundred modules. Without it (tsc alone, or from source) the modules run as they are.
const bundle = new URL("../bundle/cli.mjs", import.meta.url);
const bundled = existsSync(bundle);
// check and validate judge in a worker thread, whose start-up is a third of a one-file validate: started
// now, it overlaps the CLI's loading. (Limits that are not valid are left for the CLI to report.)
const command = process.argv[2];
const limits = readEvaluationLimits(process.env);
const earlyWorker = bundled && (command === "validate" || command === "check") && limits.problems.length === 0
  ? holdEarly(startEvaluationWorker(limits.limits, new URL("../bundle/evaluation-worker.js", import.meta.url)))
  : undefined;
const { main } = (await import(bundled ? bundle.href : "./main.js")) as typeof Cli;

process.exitCode = await main(process.argv.slice(2), process, process.env, earlyWorker);
