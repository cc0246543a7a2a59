// The pinned Go tools the benches compare Gitgate with, built with `go install` once per machine into
// the user's cache (like the pinned OPA, see src/opa/opa-binary.ts), and the Kubernetes schemas
// kubeconform validates against, taken from the PyPI package kubernetes-validate: nothing is fetched
// from the network at run time, only on first use.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { ensureGoTool } from "../scripts/ensure-go-tool.js";

export const kubeconformVersion = "v0.7.0";
export const conftestVersion = "v0.71.1";
const schemasPackage = "kubernetes-validate==1.37.0";
// Per machine, shared by every clone.
const tools = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "gitgate");

/** kubeconform: GITGATE_KUBECONFORM, else the pinned build in the cache. */
export function kubeconformBinary(): string {
  return process.env.GITGATE_KUBECONFORM ?? ensureGoTool(join(tools, "kubeconform", kubeconformVersion, "kubeconform"), "github.com/yannh/kubeconform/cmd/kubeconform", kubeconformVersion);
}

/** conftest: GITGATE_CONFTEST, else the pinned build in the cache. */
export function conftestBinary(): string {
  return process.env.GITGATE_CONFTEST ?? ensureGoTool(join(tools, "conftest", conftestVersion, "conftest"), "github.com/open-policy-agent/conftest", conftestVersion);
}

/** kubeconform's `-schema-location` for the strict schemas of one Kubernetes release. */
export function kubeconformSchemaLocation(version: string): string {
  return `${kubernetesSchemas(version)}/{{.ResourceKind}}{{.KindSuffix}}.json`;
}

/** The strict schemas of one Kubernetes release, with their `$ref`s made resolvable from files. */
function kubernetesSchemas(version: string): string {
  const unpacked = join(tools, "kubernetes-validate", schemasPackage.split("==")[1]!);
  const source = join(unpacked, "kubernetes_validate/kubernetes-json-schema", `v${version}.0-local-strict`);
  if (!existsSync(source)) {
    mkdirSync(unpacked, { recursive: true });
    console.error(`Downloading ${schemasPackage} with pip (first run only)…`);
    const pip = spawnSync("python3", ["-m", "pip", "download", "--no-deps", "--quiet", "-d", unpacked, schemasPackage], { stdio: "inherit" });
    const wheel = readdirSync(unpacked).find((f) => f.endsWith(".whl"));
    if (pip.status !== 0 || !wheel) throw new Error(`pip could not download ${schemasPackage}`);
    const unzip = spawnSync("python3", ["-m", "zipfile", "-e", join(unpacked, wheel), unpacked], { stdio: "inherit" });
    if (unzip.status !== 0 || !existsSync(source)) throw new Error(`${wheel} has no schemas for Kubernetes ${version}`);
  }
  // The package's schemas refer to `/api/_definitions.json`, a URL its Python code maps to the file; for
  // kubeconform (which loads local files only by path) every such reference becomes that file's path.
  const target = join(tools, "kubernetes-validate", `kubeconform-schemas-${version}`);
  if (!existsSync(join(target, "_definitions.json"))) {
    mkdirSync(target, { recursive: true });
    const definitions = `file://${join(target, "_definitions.json")}#`;
    for (const name of readdirSync(source)) {
      const text = readFileSync(join(source, name), "utf8").replaceAll("/api/_definitions.json#", definitions);
      const schema = JSON.parse(text) as Record<string, unknown>;
      delete schema.$id; // an https $id would make kubeconform resolve relative refs against the web
      writeFileSync(join(target, name), JSON.stringify(schema));
    }
  }
  return target;
}
