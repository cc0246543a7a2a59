import picomatch from "picomatch";

// Made-up files deep in folders nobody names, with the extensions of governed files. A glob that
// matches one of them is not about any folder of the repository: it reaches every file of that kind
// everywhere ("**", "*/**", "**/*.yaml", "{**,x}").
const probes = ["gitgate-probe.yaml", "gitgate-probe.yml", "gitgate-probe.json", "gitgate-probe"].map((name) => `gitgate-probe-a/gitgate-probe-b/.gitgate-probe-c/${name}`);

/** True when `glob` covers the whole repository rather than some part of it. */
export function coversWholeRepository(glob: string): boolean {
  const matches = picomatch(glob, { dot: true });
  return probes.some((path) => matches(path));
}
