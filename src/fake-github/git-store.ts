import { runGit } from "../git/run-git.js";
import { CatFile } from "./cat-file.js";

export interface TreeEntry {
  path: string;
  /** git's octal mode as a number, as GitHub's GraphQL gives it (0o120000 for a symlink). */
  mode: number;
  type: "blob" | "tree" | "commit";
  oid: string;
}

export interface ChangedFile {
  filename: string;
  status: "added" | "removed" | "modified" | "renamed";
  previous_filename?: string;
  /** The file's blob: as the change leaves it, the removed one for a removal (as GitHub lists it). */
  sha: string;
}

/**
 * A real git repository behind the fake GitHub: every answer (objects, merge bases, changed files)
 * comes from git itself, so the fake has GitHub's git semantics rather than an imitation of them.
 */
export class GitStore {
  private readonly catFile: CatFile;
  private readonly answers = new Map<string, Promise<unknown>>();

  constructor(readonly dir: string) {
    this.catFile = new CatFile(dir);
  }

  close(): void {
    this.catFile.close();
  }

  async resolve(rev: string): Promise<string | undefined> {
    // Through the long-lived cat-file, which reads refs afresh for every line: no process per lookup.
    const found = await this.catFile.read(`${rev}^{commit}`);
    return found?.type === "commit" ? found.oid : undefined;
  }

  /** Resolves `rev:path` (GitHub's object(expression:)) to a blob or tree. */
  async object(expression: string): Promise<{ type: "blob" | "tree" | "commit"; oid: string; content: Buffer } | undefined> {
    const found = await this.catFile.read(expression);
    return found && found.type !== "tag" ? { type: found.type, oid: found.oid, content: found.content } : undefined;
  }

  async blob(oid: string): Promise<Buffer> {
    const found = await this.catFile.read(oid);
    if (found?.type !== "blob") throw new Error(`no blob ${oid}`);
    return found.content;
  }

  async treeEntries(oid: string, prefix: string): Promise<TreeEntry[]> {
    const out = (await runGit(this.dir, ["ls-tree", "-z", oid])).toString();
    return out.split("\0").filter(Boolean).map((line) => {
      const [meta, name] = line.split("\t") as [string, string];
      const [mode, type, entryOid] = meta.split(" ") as [string, TreeEntry["type"], string];
      return { path: prefix ? `${prefix}/${name}` : name, mode: parseInt(mode, 8), type, oid: entryOid };
    });
  }

  /** A tree as GitHub's REST `git/trees` lists it (paths, modes as octal strings, types, shas), or undefined. */
  async listTree(treeish: string, recursive: boolean): Promise<{ path: string; mode: string; type: string; sha: string }[] | undefined> {
    try {
      const out = (await runGit(this.dir, ["ls-tree", "-z", ...(recursive ? ["-r", "-t"] : []), treeish])).toString();
      return out.split("\0").filter(Boolean).map((line) => {
        const [meta, path] = line.split("\t") as [string, string];
        const [mode, type, sha] = meta.split(" ") as [string, string, string];
        return { path, mode, type, sha };
      });
    } catch {
      return undefined;
    }
  }

  /**
   * The entry at `path` in a commit's tree (GitHub's Commit.file), or undefined; links are never
   * followed. The trees are walked folder by folder through the long-lived cat-file, each tree read
   * from git once: a PR's files query asks this for hundreds of files in the same folders, and
   * reading a folder of a thousand entries again for each would make the fake the slow part.
   */
  async entryAt(commit: string, path: string): Promise<TreeEntry | undefined> {
    const names = path.split("/");
    // GitHub answers null for a path git cannot look up (e.g. one leaving the repository).
    if (names.some((name) => name === "" || name === "." || name === "..")) return undefined;
    let tree = await this.rootTree(commit);
    for (const [i, name] of names.entries()) {
      if (!tree) return undefined;
      const entry = tree.get(name);
      if (!entry) return undefined;
      if (i === names.length - 1) return { path, mode: parseInt(entry.mode, 8), type: entry.type, oid: entry.oid };
      // Only a folder is looked into: a path below a link or a file is no entry at all.
      tree = entry.type === "tree" ? await this.treeByOid(entry.oid) : undefined;
    }
    return undefined;
  }

  /** The commits of base...head, oldest first (a PR's commits). */
  async commitsBetween(base: string, head: string): Promise<string[]> {
    return this.remembered(`commits ${base} ${head}`, [base, head], async () => {
      const mergeBase = await this.mergeBase(base, head);
      return (await runGit(this.dir, ["rev-list", "--reverse", `${mergeBase}..${head}`])).toString().split("\n").filter(Boolean);
    });
  }

  async mergeBase(a: string, b: string): Promise<string> {
    // The merge base of two commits is one, whichever is named first.
    return this.remembered(`merge-base ${[a, b].sort().join(" ")}`, [a, b], async () => (await runGit(this.dir, ["merge-base", a, b])).toString().trim());
  }

  /** Files changed by base...head, with renames, as GitHub's compare and PR files list them. */
  async changedFiles(base: string, head: string): Promise<ChangedFile[]> {
    return this.remembered(`changed ${base} ${head}`, [base, head], () => this.diff(base, head));
  }

  private async diff(base: string, head: string): Promise<ChangedFile[]> {
    const mergeBase = await this.mergeBase(base, head);
    // --raw: ":old-mode new-mode old-blob new-blob status", then the path (two for a rename).
    const fields = (await runGit(this.dir, ["diff", "-z", "--raw", "--no-abbrev", "-M", mergeBase, head])).toString().split("\0");
    const files: ChangedFile[] = [];
    for (let i = 0; i < fields.length - 1; ) {
      const [, , oldBlob, newBlob, status] = fields[i++]!.split(" ") as [string, string, string, string, string];
      const letter = status.charAt(0);
      if (letter === "R") {
        const from = fields[i++]!;
        files.push({ filename: fields[i++]!, status: "renamed", previous_filename: from, sha: newBlob });
      } else {
        files.push({ filename: fields[i++]!, status: letter === "A" ? "added" : letter === "D" ? "removed" : "modified", sha: letter === "D" ? oldBlob : newBlob });
      }
    }
    return files;
  }

  /** What git says about objects named by their ids never changes: asked once (a branch name is asked every time). */
  private remembered<T>(key: string, revs: string[], compute: () => Promise<T>): Promise<T> {
    if (!revs.every((rev) => /^[0-9a-f]{40}$/.test(rev))) return compute();
    let answer = this.answers.get(key) as Promise<T> | undefined;
    if (!answer) {
      if (this.answers.size >= 10_000) this.answers.clear();
      answer = compute();
      this.answers.set(key, answer);
      answer.catch(() => this.answers.delete(key));
    }
    return answer;
  }

  /** The entries of a commit's root tree: a commit named by its id always has the same one. */
  private rootTree(commit: string): Promise<TreeEntries | undefined> {
    return this.remembered(`root ${commit}`, [commit], () => this.readTree(`${commit}^{tree}`));
  }

  /** A tree's entries: trees never change, so each is read from git once. */
  private treeByOid(oid: string): Promise<TreeEntries | undefined> {
    return this.remembered(`tree ${oid}`, [oid], () => this.readTree(oid));
  }

  /** A tree object's entries by name (binary: "<mode> <name>\0<id>" each). */
  private async readTree(expression: string): Promise<TreeEntries | undefined> {
    const tree = await this.catFile.read(expression);
    if (tree?.type !== "tree") return undefined;
    const { oid, content } = tree;
    const entries: TreeEntries = new Map();
    const idBytes = oid.length / 2;
    for (let at = 0; at < content.length; ) {
      const space = content.indexOf(0x20, at);
      const nul = content.indexOf(0, space);
      const mode = content.subarray(at, space).toString();
      const type = mode === "40000" ? "tree" : mode === "160000" ? "commit" : "blob";
      entries.set(content.subarray(space + 1, nul).toString(), { mode, type, oid: content.subarray(nul + 1, nul + 1 + idBytes).toString("hex") });
      at = nul + 1 + idBytes;
    }
    return entries;
  }
}

type TreeEntries = Map<string, { mode: string; type: TreeEntry["type"]; oid: string }>;
