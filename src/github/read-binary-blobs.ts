import { mapConcurrent } from "../engine/map-concurrent.js";
import type { GitHub, RepoRef } from "./github-types.js";

/** Blob requests of one read in flight at once. */
const blobsInFlight = 4;

/**
 * Reads the bytes of binary files at commits for rendering (a secretGenerator's keystore, a chart's
 * `.Files.Get`): GraphQL gives no text for a binary blob, so each is one REST `git/blobs` request
 * (base64), by the SHA the commit's tree listing gave. Render targets ask only for the few they need
 * (see src/rendering/render-change.ts); a blob is fetched once per evaluation, whichever commits and
 * paths share it (a file the change leaves alone is the same blob at base and head). A file larger
 * than the limit is not fetched (undefined); a request that fails, or an answer that is not the whole
 * blob, throws, naming the file: rendering fails closed on it.
 */
export function binaryBlobReads(github: GitHub, repo: RepoRef, shaOf: (commit: string, path: string) => Promise<string | undefined>, maxBytes: () => number) {
  const blobs = new Map<string, Promise<Uint8Array | undefined>>();
  const fetchBlob = async (sha: string): Promise<Uint8Array | undefined> => {
    const { data } = await github.rest.git.getBlob({ owner: repo.owner, repo: repo.repo, file_sha: sha });
    if (data.size !== null && data.size > maxBytes()) return undefined;
    if (data.encoding !== "base64") throw new Error(`GitHub answered with ${data.encoding} content, not base64`);
    const bytes = Buffer.from(data.content, "base64");
    if (data.size === null || bytes.byteLength !== data.size) throw new Error(`GitHub sent ${bytes.byteLength} bytes of a blob of ${data.size ?? "unknown size"}`);
    // A buffer of its own: it crosses to the evaluation thread, which would copy a pooled view's whole buffer.
    return new Uint8Array(bytes);
  };
  return async (commit: string, paths: string[]): Promise<[string, Uint8Array | undefined][]> =>
    mapConcurrent(paths, blobsInFlight, async (path): Promise<[string, Uint8Array | undefined]> => {
      const sha = await shaOf(commit, path);
      if (!sha) return [path, undefined];
      let read = blobs.get(sha);
      if (!read) blobs.set(sha, (read = fetchBlob(sha)));
      try {
        return [path, await read];
      } catch (error) {
        throw new Error(`${path} (blob ${sha.slice(0, 12)} at ${commit.slice(0, 12)}) could not be read from GitHub: ${(error as Error).message}`);
      }
    });
}
