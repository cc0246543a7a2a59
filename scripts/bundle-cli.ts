// Bundles the CLI and the threads it starts into dist/bundle/, after tsc (part of `npm run build`).
// A one-file `gitgate validate` is mostly start-up, and most of start-up was Node resolving, reading and
// linking modules: our own ~150 and the YAML parser's 70, once in the main thread and again in each
// worker. Bundled, each thread loads one file and the chunks it shares with the others. Of the packages,
// only the small pure-JavaScript ones every validate loads are bundled; the rest stay in node_modules
// as they are. dist/cli/bin.js runs the bundle when it is there.
import { build, transformSync, type PluginBuild } from "esbuild";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { kubernetesKinds } from "../src/engine/schema/kubernetes-kinds.generated.js";

/**
 * The packages bundled: parsers, globs, the linear-time regexp engine and the policy SDK (with its own
 * YAML parser and sprintf). Not the Kubernetes schemas (imported by URL, one kind at a time), the
 * schema compiler (loaded only for a repository's own schemas) or GitHub's client: they load as they
 * are, when a command needs them.
 */
const bundledPackages = new Set(["yaml", "js-yaml", "jsonc-parser", "picomatch", "re2js", "@open-policy-agent/opa-wasm", "sprintf-js"]);
const packageOf = (specifier: string) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");

// A bundled CommonJS package may require a Node built-in (the YAML parser does): ES modules have no
// `require` of their own to do it with.
const banner = { js: 'import { createRequire as bundleRequire } from "node:module"; const require = bundleRequire(import.meta.url);' };

const root = new URL("../", import.meta.url);
const outdir = fileURLToPath(new URL("dist/bundle/", root));
// Made anew: chunks are named by their content, so the last build's would linger (and be packed).
rmSync(outdir, { recursive: true, force: true });

const bundledOnly = {
  name: "bundled-packages",
  setup(bundle: PluginBuild) {
    bundle.onResolve({ filter: /^[^./]/ }, ({ path }) => (bundledPackages.has(packageOf(path)) ? undefined : { path, external: true }));
  },
};

// The main thread: the CLI, with the commands it loads when they are run.
await build({
  absWorkingDir: fileURLToPath(root),
  entryPoints: { cli: "dist/cli/main.js" },
  outdir,
  entryNames: "[name]",
  // ES modules by their extension: the folder is CommonJS (see the threads' starters below).
  outExtension: { ".js": ".mjs" },
  bundle: true,
  // A module loaded with `await import()` stays loaded only when used.
  splitting: true,
  format: "esm",
  platform: "node",
  // Their ES module builds, where a package has one (jsonc-parser's other build requires by computed names).
  mainFields: ["module", "main"],
  plugins: [bundledOnly],
  banner,
  logLevel: "warning",
});

// The CLI's entry (package.json's bin), made one file in place: it starts the evaluation worker before
// the CLI loads (bin.ts), and the three modules it imported to do so were files for Node's module
// loader to find, read and link before any of its code ran. Built into it, the worker starts about 10 ms
// sooner, and a one-file validate took 7–12 ms less (medians of 61 alternating runs). The CLI it then
// loads, `./main.js` or the bundle, is imported by a name only known when it runs: left as it is.
await build({
  absWorkingDir: fileURLToPath(root),
  entryPoints: ["dist/cli/bin.js"],
  outfile: "dist/cli/bin.js",
  allowOverwrite: true,
  bundle: true,
  format: "esm",
  platform: "node",
  external: ["./main.js"],
  logLevel: "warning",
});

// The validators of Gitgate's own schemas (the config, the exceptions file), compiled by
// `npm run build:schemas` into dist/schemas/, are built into the threads too: loaded from there, each
// run compiled the config's validator again on its first call (its module 2.5 ms, that call 4.7 ms), as
// Node's compile cache keeps only a module's top level. src/config/prebuilt-validators.ts is replaced
// by a table of static requires, which esbuild bundles (each module still runs on its first use).
const schemasDir = fileURLToPath(new URL("dist/schemas/", root));
const builtInValidators = {
  name: "built-in-validators",
  setup(bundle: PluginBuild) {
    bundle.onLoad({ filter: /[\\/]dist[\\/]config[\\/]prebuilt-validators\.js$/ }, () => ({
      resolveDir: schemasDir,
      loader: "js",
      contents: [
        "const validators = {",
        ...readdirSync(schemasDir).filter((file) => file.endsWith(".validate.cjs")).map((file) =>
          `  ${JSON.stringify(file.replace(/\.validate\.cjs$/, ".schema.json"))}: () => require(${JSON.stringify(`./${file}`)}),`),
        "};",
        "export function loadPrebuiltValidator(schemaFile) {",
        "  const load = validators[schemaFile];",
        "  if (!load) throw new Error(`no validator was built for ${schemaFile}`);",
        "  return load();",
        "}",
      ].join("\n"),
    }));
  },
};

// The threads: each one script, run by src/evaluation/thread-code-cache.ts so that V8 can keep the code
// of every function a first run compiled (ES modules offer no way to). A worker is started by its file's
// URL beside the code that starts it (evaluation-pool.ts, file-lanes.ts, policy-runner.ts), so that file
// keeps its name and runs the script beside it.
const threads = {
  "evaluation-worker": "dist/evaluation/evaluation-worker.js",
  "file-lane-worker": "dist/evaluation/file-lane-worker.js",
  "policy-worker": "dist/engine/policy/policy-worker.js",
};
await build({
  absWorkingDir: fileURLToPath(root),
  entryPoints: threads,
  outdir,
  entryNames: "[name]",
  outExtension: { ".js": ".cjs" },
  bundle: true,
  format: "cjs",
  platform: "node",
  mainFields: ["module", "main"],
  // A script has no `import()` and no `import.meta`: the packages left out load with `require` (ES
  // modules too), and the names below are arguments of the function thread-code-cache.ts wraps it in.
  supported: { "dynamic-import": false },
  define: { "import.meta.url": "import_meta_url", "import.meta.resolve": "import_meta_resolve" },
  plugins: [bundledOnly, builtInValidators],
  logLevel: "warning",
});
// What starts each thread (`<thread>.js`, the name the code starts it by) is CommonJS, as is the folder
// (its package.json): a worker whose first file is an ES module first sets up Node's ES module loader,
// and links its built-in modules through it, before any of our code runs: 6 ms of a one-file validate
// (medians of 20 alternating runs). So the code cache's loader is bundled as CommonJS too; the one thing it
// needs of ES modules, `import.meta.resolve` for the script, it loads on first call from a module beside it.
await build({
  absWorkingDir: fileURLToPath(root),
  entryPoints: { "thread-code-cache": "dist/evaluation/thread-code-cache.js" },
  outdir,
  entryNames: "[name]",
  bundle: true,
  format: "cjs",
  platform: "node",
  define: { "import.meta.resolve": "resolveAsModule" },
  // Strict, as the ES module it is built from: the directive must come first, before the banner's code.
  banner: { js: '"use strict";\nconst resolveAsModule = (specifier) => require("./resolve-as-module.mjs").resolve(specifier);' },
  logLevel: "warning",
});
writeFileSync(join(outdir, "resolve-as-module.mjs"), "export const resolve = (specifier) => import.meta.resolve(specifier);\n");
writeFileSync(join(outdir, "package.json"), '{ "type": "commonjs" }\n');
for (const name of Object.keys(threads)) {
  // esbuild escapes what is not ASCII in the code, not in the comments it keeps: escaped there too, the
  // bundles are ASCII, which thread-code-cache.ts reads quicker. (An escape means the same in a string,
  // a regular expression, a template or a name, and nothing in a comment.)
  const script = join(outdir, `${name}.cjs`);
  writeFileSync(script, readFileSync(script, "utf8").replace(/[^\x00-\x7f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`));
  writeFileSync(join(outdir, `${name}.js`), `"use strict";\nrequire("./thread-code-cache.js").runCachedBundle(require("node:url").pathToFileURL(require("node:path").join(__dirname, "${name}.cjs")));\n`);
}

// The validators of the built-in Kubernetes kinds, in dist/bundle/kinds/ where the bundle's
// kubernetes-validators.ts looks for them: kubernetes-models has a module for every definition, so one
// Deployment imported a hundred of them, and their runtime (@kubernetes-models/validate, its formats)
// thirty more. Bundled with shared chunks, a kind is a few files. Then each file is made CommonJS (the
// folder says so in its package.json): the threads load a kind with `require`, and Node's CommonJS
// loader skips the ES module loader's linking of the same files (a Deployment is 17): a one-file
// validate with two kinds took 7 ms less (medians of 41 alternating runs).
//
// Their formats module spreads ajv-formats-draft2019's five into its object, and four of those load
// uri-js, nearley, punycode and the IANA scheme lists when the module loads: a third of a Deployment's
// first load (about 4 ms), though no built-in kind uses them (they use int32, int64, byte, double,
// date-time and quantity). In the bundle each of the four loads on its first call instead.
const draft2019Formats = "ajv-formats-draft2019/formats/";
const lazyDraft2019Formats = {
  name: "lazy-draft2019-formats",
  setup(bundle: PluginBuild) {
    bundle.onResolve({ filter: /^ajv-formats-draft2019\/formats\/index\.js$/ }, ({ resolveDir }) => ({ path: "index.js", namespace: "lazy-draft2019-formats", pluginData: resolveDir }));
    bundle.onLoad({ filter: /.*/, namespace: "lazy-draft2019-formats" }, ({ pluginData }) => ({
      resolveDir: pluginData as string,
      loader: "js",
      // esbuild runs a bundled CommonJS module when it is first required: here, on the format's first call.
      contents: [
        "const lazy = (load) => (...args) => load()(...args);",
        "module.exports = {",
        ...["iri", "duration", "idn-email", "idn-hostname", "iri-reference"].map((name) => name === "duration"
          ? `  duration: require(${JSON.stringify(`${draft2019Formats}duration.js`)}),`
          : `  ${JSON.stringify(name)}: lazy(() => require(${JSON.stringify(`${draft2019Formats}${name}.js`)})),`),
        "};",
      ].join("\n"),
    }));
  },
};
// The kinds' `byte` and `quantity` formats are the API server's (src/engine/schema/kubernetes-base64.ts,
// kubernetes-quantity.ts), built into
// their copy of the formats, which kubernetes-validators.ts cannot reach in the bundle.
const kubernetesByteFormat = {
  name: "kubernetes-byte-format",
  setup(bundle: PluginBuild) {
    bundle.onLoad({ filter: /@kubernetes-models[\\/]validate[\\/]dist[\\/]formats\.js$/ }, ({ path }) => ({
      loader: "js",
      contents: `${readFileSync(path, "utf8")}\nimport { isKubernetesBase64 } from ${JSON.stringify(fileURLToPath(new URL("src/engine/schema/kubernetes-base64.ts", root)))};\nimport { kubernetesQuantity } from ${JSON.stringify(fileURLToPath(new URL("src/engine/schema/kubernetes-quantity.ts", root)))};\nformats.byte.validate = isKubernetesBase64;\nformats.quantity.validate = kubernetesQuantity;\n`,
    }));
  },
};
const kinds = await build({
  absWorkingDir: fileURLToPath(root),
  entryPoints: Object.fromEntries(Object.values(kubernetesKinds).map((location) => {
    const [pkg, file] = location.split(":") as [string, string];
    return [`${pkg}/${file.replace(/\.js$/, "")}`, fileURLToPath(new URL(file, import.meta.resolve(pkg)))];
  })),
  outdir: join(outdir, "kinds"),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  // The IDN formats require `punycode`, the package they depend on, which Node would take for its own
  // deprecated module of that name (and warn about, outside node_modules).
  alias: { punycode: "punycode/" },
  plugins: [lazyDraft2019Formats, kubernetesByteFormat],
  write: false,
  logLevel: "warning",
});
for (const file of kinds.outputFiles) {
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(file.path, transformSync(file.text, { format: "cjs", platform: "node", logLevel: "warning" }).code);
}
writeFileSync(join(outdir, "kinds", "package.json"), '{ "type": "commonjs" }\n');

// Files the code finds by its own URL (schemas, packs, package.json, workers) must be found from the
// bundle's folder too: a module that moved deeper or shallower than two folders below the root would
// find nothing, and only at run time.
const problems: string[] = [];
for (const file of readdirSync(outdir).filter((name) => /\.[cm]?js$/.test(name))) {
  const url = new URL(file, `file://${outdir}`);
  for (const [, argument] of readFileSync(url, "utf8").matchAll(/new URL\(([^;]*?),\s*import(?:\.meta\.|_meta_)url\s*\)/g)) {
    // Every name the argument may take: `a ? "x.ts" : "x.js"`, and a template's folder (`../../schemas/${file}`).
    for (const [, quoted, template] of argument!.matchAll(/"([^"]*)"|`([^`$]*)/g)) {
      // The .ts names are the workers' when running from source (tests, tsx).
      const name = quoted ?? template!;
      if (name.endsWith(".ts") || existsSync(new URL(name, url))) continue;
      problems.push(`${file}: new URL(${argument}, import.meta.url) names nothing from dist/bundle/`);
    }
  }
}
if (problems.length > 0) {
  console.error(`The CLI bundle would not find its files:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
