import { toFileContent, type FileContent } from "../engine/change-set.js";
import { runGit } from "./run-git.js";

/**
 * Reads many `<rev>:<path>` objects with two git processes in all: one to learn sizes, one to read
 * the contents of those under the limit. Oversized files are never loaded into memory.
 */
export async function readBlobs(repo: string, specs: readonly string[], maxBytes: number): Promise<Map<string, FileContent | undefined>> {
  const result = new Map<string, FileContent | undefined>();
  if (specs.length === 0) return result;
  // Paths may hold any byte but newline; git rejects object names with newlines anyway.
  const sizes = (await runGit(repo, ["cat-file", "--batch-check=%(objecttype) %(objectsize)"], specs.join("\n") + "\n"))
    .toString()
    .split("\n");
  const wanted: string[] = [];
  specs.forEach((spec, i) => {
    const [type, size] = (sizes[i] ?? "").split(" ");
    if (type !== "blob") result.set(spec, undefined);
    else if (Number(size) > maxBytes) result.set(spec, { kind: "too-large", size: Number(size) });
    else wanted.push(spec);
  });
  if (wanted.length === 0) return result;
  const output = await runGit(repo, ["cat-file", "--batch"], wanted.join("\n") + "\n");
  let offset = 0;
  for (const spec of wanted) {
    const headerEnd = output.indexOf(0x0a, offset);
    const size = Number(output.subarray(offset, headerEnd).toString().split(" ")[2]);
    const start = headerEnd + 1;
    result.set(spec, toFileContent(output.subarray(start, start + size), maxBytes));
    offset = start + size + 1;
  }
  return result;
}
