import { runGit } from "../git/run-git.js";
import { treeEntries } from "../git/tree-entries.js";
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
}

/**
 * A real git repository behind the fake GitHub: every answer (objects, merge bases, changed files)
 * comes from git itself, so the fake has GitHub's git semantics rather than an imitation of them.
 */
export class GitStore {
  private readonly catFile: CatFile;

  constructor(readonly dir: string) {
    this.catFile = new CatFile(dir);
  }

  close(): void {
    this.catFile.close();
  }

  async resolve(rev: string): Promise<string | undefined> {
    try {
      return (await runGit(this.dir, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`])).toString().trim();
    } catch {
      return undefined;
    }
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

  /** The entry at `path` in a commit's tree (GitHub's Commit.file), or undefined; links are never followed. */
  async entryAt(commit: string, path: string): Promise<TreeEntry | undefined> {
    // GitHub answers null for a path git cannot look up (e.g. one leaving the repository).
    const found = (await treeEntries(this.dir, commit, [path]).catch(() => [])).find((entry) => entry.path === path);
    return found ? { ...found, mode: parseInt(found.mode, 8) } : undefined;
  }

  /** The commits of base...head, oldest first (a PR's commits). */
  async commitsBetween(base: string, head: string): Promise<string[]> {
    const mergeBase = await this.mergeBase(base, head);
    return (await runGit(this.dir, ["rev-list", "--reverse", `${mergeBase}..${head}`])).toString().split("\n").filter(Boolean);
  }

  async mergeBase(a: string, b: string): Promise<string> {
    return (await runGit(this.dir, ["merge-base", a, b])).toString().trim();
  }

  /** Files changed by base...head, with renames, as GitHub's compare and PR files list them. */
  async changedFiles(base: string, head: string): Promise<ChangedFile[]> {
    const mergeBase = await this.mergeBase(base, head);
    const fields = (await runGit(this.dir, ["diff", "-z", "--name-status", "-M", mergeBase, head])).toString().split("\0");
    const files: ChangedFile[] = [];
    for (let i = 0; i < fields.length - 1; ) {
      const letter = fields[i++]!.charAt(0);
      if (letter === "R") {
        const from = fields[i++]!;
        files.push({ filename: fields[i++]!, status: "renamed", previous_filename: from });
      } else {
        files.push({ filename: fields[i++]!, status: letter === "A" ? "added" : letter === "D" ? "removed" : "modified" });
      }
    }
    return files;
  }
}
