import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runGit } from "../../src/git/run-git.js";

/** File contents by path; null deletes the file in a later commit. */
export type Files = Record<string, string | Buffer | null>;

export interface TestRepo {
  dir: string;
  /** Commits `files` on a new branch `name` started from `from`. */
  branch(name: string, from: string, files: Files): Promise<void>;
  /** Commits `files` on top of an existing branch (a push). */
  commit(branch: string, files: Files): Promise<void>;
  /** Commits a change of only the executable bit of `path` (`+x` or `-x`) on top of `branch`. */
  chmod(branch: string, path: string, bit: "+x" | "-x"): Promise<void>;
  sha(rev: string): Promise<string>;
  remove(): Promise<void>;
}

const identity = ["-c", "user.name=Test", "-c", "user.email=test@gitgate.invalid", "-c", "commit.gpgsign=false"];

/** A real git repository whose `main` holds `base`; tests add PR branches with `branch`. */
export async function createTestRepo(base: Files): Promise<TestRepo> {
  const dir = await mkdtemp(join(tmpdir(), "gitgate-test-"));
  const git = (...args: string[]) => runGit(dir, [...identity, ...args]);
  const write = async (files: Files) => {
    for (const [path, content] of Object.entries(files)) {
      if (content === null) await rm(join(dir, path));
      else {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), content);
      }
    }
    await git("add", "-A");
    await git("commit", "-q", "--allow-empty", "-m", "change");
  };
  await git("init", "-q", "-b", "main");
  await write(base);
  return {
    dir,
    async branch(name, from, files) {
      await git("checkout", "-q", "-b", name, from);
      await write(files);
      await git("checkout", "-q", "main");
    },
    async commit(branch, files) {
      await git("checkout", "-q", branch);
      await write(files);
      await git("checkout", "-q", "main");
    },
    async chmod(branch, path, bit) {
      await git("checkout", "-q", branch);
      await git("update-index", `--chmod=${bit}`, "--", path);
      await git("commit", "-q", "-m", `chmod ${bit} ${path}`);
      await git("checkout", "-q", "-f", "main");
    },
    sha: async (rev) => (await git("rev-parse", rev)).toString().trim(),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
