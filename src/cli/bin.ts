#!/usr/bin/env node
import { enableCompileCache } from "node:module";

// A command is mostly start-up: the CLI and each thread it starts load the same modules every run. V8's
// code for them is kept on disk (NODE_COMPILE_CACHE, default in the temp folder; a cache that cannot be
// written is skipped quietly) and handed to the worker threads through the environment they inherit.
const cache = enableCompileCache();
if (cache.directory !== undefined) process.env.NODE_COMPILE_CACHE ??= cache.directory;
const { main } = await import("./main.js");

process.exitCode = await main(process.argv.slice(2));
