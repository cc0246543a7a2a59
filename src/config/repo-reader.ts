/** Reads the files of one commit of a repository (or its working tree): the control plane's only I/O. */
export interface RepoReader {
  /** The file's text, or undefined when it does not exist. */
  read(path: string): Promise<string | undefined>;
  /** Every file at or below `path` (a file or a folder), as repository paths. */
  list(path: string): Promise<string[]>;
}

/** A reader over an in-memory map of path → text (tests, the bench). */
export function memoryReader(files: Readonly<Record<string, string>>): RepoReader {
  return {
    read: async (path) => files[path],
    list: async (path) => {
      const dir = path.replace(/\/*$/, "/");
      return Object.keys(files).filter((file) => file === path || file.startsWith(dir)).sort();
    },
  };
}
