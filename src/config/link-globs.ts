import picomatch from "picomatch";

/**
 * Which symlinks and submodules are governed. Gitgate never looks through either, yet a deploy tool
 * may: a link named `k8s/prod` can stand for a whole folder of manifests, and a submodule under `k8s/`
 * holds files the `files` globs would govern if they were committed here. So a link is governed when
 * its own path is, or when a `files` glob could match some path below it (checked segment by segment,
 * as a directory walk would) — unless `ignore` names the link itself or a folder holding it (`x/**`).
 */
export function createLinkMatcher(include: readonly string[], exclude: readonly string[] = []): (path: string) => boolean {
  const included = picomatch([...include], { dot: true });
  const exempt = exemption(exclude);
  return (path) => !exempt(path) && (included(path) || include.some((glob) => reachesBelow(glob, path)));
}

/** True when the glob could match some path strictly below `folder`. */
export function reachesBelow(glob: string, folder: string): boolean {
  // A brace or extglob group spanning folders cannot be split into segments: assume it reaches.
  if (/[{(][^})]*\/[^})]*[})]/.test(glob)) return true;
  const parts = glob.split("/");
  const dirs = folder.split("/");
  const walk = (g: number, d: number): boolean => {
    if (d === dirs.length) return g < parts.length;
    if (g === parts.length) return false;
    // `**` swallows the rest of the folder and still matches anything below it.
    if (parts[g] === "**") return true;
    return picomatch(parts[g]!, { dot: true })(dirs[d]!) && walk(g + 1, d + 1);
  };
  return walk(0, 0);
}

/** `ignore` exempts a link it names, or one inside a folder it ignores whole (`vendor/**`, `**`). */
function exemption(exclude: readonly string[]): (path: string) => boolean {
  if (exclude.length === 0) return () => false;
  const named = picomatch([...exclude], { dot: true });
  const wholeFolders = exclude.filter((glob) => glob === "**" || glob.endsWith("/**"));
  const folderMatchers = wholeFolders.map((glob) => (glob === "**" ? () => true : picomatch(glob.slice(0, -3), { dot: true })));
  return (path) => {
    if (named(path)) return true;
    const segments = path.split("/");
    for (let end = segments.length; end > 0; end--) {
      const ancestor = segments.slice(0, end).join("/");
      if (folderMatchers.some((matches) => matches(ancestor))) return true;
    }
    return false;
  };
}
