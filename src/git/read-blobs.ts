import { toFileContent, type FileContent } from "../engine/change-set.js";
import { runGit } from "./run-git.js";

/**
 * Reads many `<rev>:<path>` objects with two git processes in all: one to learn sizes, one to read
 * the contents of those under the limit. Oversized files are never loaded into memory.
 */
export function readBlobs(repo: string, specs: readonly string[], maxBytes: number): Promise<Map<string, FileContent | undefined>> {
  return catFile(repo, specs, maxBytes, (bytes) => toFileContent(bytes, maxBytes));
}

/**
 * The raw bytes of many objects (binary files a render target needs), read as readBlobs reads them:
 * undefined for what is no blob or is past the limit (never loaded). Each blob gets a buffer of its
 * own: it crosses to the evaluation thread, which would copy a view's whole buffer.
 */
export async function readBlobBytes(repo: string, specs: readonly string[], maxBytes: number): Promise<Map<string, Uint8Array | undefined>> {
  const read = await catFile(repo, specs, maxBytes, (bytes) => new Uint8Array(bytes));
  return new Map([...read].map(([spec, found]) => [spec, found instanceof Uint8Array ? found : undefined]));
}

async function catFile<T>(repo: string, specs: readonly string[], maxBytes: number, decode: (bytes: Buffer) => T): Promise<Map<string, T | { kind: "too-large"; size: number } | undefined>> {
  const result = new Map<string, T | { kind: "too-large"; size: number } | undefined>();
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
    result.set(spec, decode(output.subarray(start, start + size)));
    offset = start + size + 1;
  }
  return result;
}
