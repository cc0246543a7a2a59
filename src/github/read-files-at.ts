import type { FileContent } from "../engine/change-set.js";
import { graphqlQuery } from "./graphql-query.js";
import type { GitHub, RepoRef } from "./github-types.js";

interface BlobNode {
  __typename: "Blob";
  oid: string;
  byteSize: number;
  isBinary: boolean;
  isTruncated: boolean;
  text: string | null;
}

interface TreeNode {
  __typename: "Tree";
  entries: { path: string; type: string; object: BlobNode | TreeNode | null }[] | null;
}

const blobFields = "__typename ... on Blob { oid byteSize isBinary isTruncated text }";
// Folders are listed three levels deep in one query; policy folders are shallow.
const treeFields = `__typename ... on Tree { entries { path type object { ${blobFields} ... on Tree { entries { path type object { ${blobFields} ... on Tree { entries { path type object { ${blobFields} } } } } } } } } }`;

/** Aliases per query: GitHub limits query cost and response size, so big reads are split. */
const perQuery = 200;

/** Blobs GraphQL truncated, fetched whole once and kept by oid (contents never change for an oid). */
const truncatedBlobs = new Map<string, string>();
const maxCachedBlobs = 500;

export interface FileRequest {
  oid: string;
  path: string;
  /** List the folder (and read its files) instead of reading a file. */
  folder?: boolean;
}

export interface FilesAt {
  /** Keyed by `oid:path`. */
  files: Map<string, FileContent | undefined>;
  /** `oid:folder` → every file below it (up to three levels), as repository paths. */
  folders: Map<string, string[]>;
}

export const keyOf = (oid: string, path: string) => `${oid}:${path}`;

/**
 * Reads many files (and lists folders with their files), at any commits, in as few GraphQL queries
 * as possible: one per 200 paths. Files over `maxBytes` are not downloaded; binary ones are marked.
 */
export async function readFilesAt(github: GitHub, repo: RepoRef, requests: readonly FileRequest[], maxBytes: number): Promise<FilesAt> {
  const result: FilesAt = { files: new Map(), folders: new Map() };
  const seen = new Set<string>();
  const wanted = requests
    .map((r) => ({ ...r, path: r.folder ? r.path.replace(/\/+$/, "") : r.path }))
    .filter((r) => {
      const key = `${r.folder ? "d" : "f"}${keyOf(r.oid, r.path)}`;
      return !seen.has(key) && seen.add(key);
    });
  for (let start = 0; start < wanted.length; start += perQuery) {
    const chunk = wanted.slice(start, start + perQuery);
    const variables: Record<string, unknown> = { owner: repo.owner, repo: repo.repo };
    const fields = chunk.map((item, i) => {
      variables[`e${i}`] = keyOf(item.oid, item.path);
      return `f${i}: object(expression: $e${i}) { ${item.folder ? treeFields : blobFields} }`;
    });
    const query = `query(${["$owner: String!", "$repo: String!", ...chunk.map((_, i) => `$e${i}: String!`)].join(", ")}) { repository(owner: $owner, name: $repo) { ${fields.join(" ")} } }`;
    const data = await graphqlQuery<{ repository: Record<string, BlobNode | TreeNode | null> | null }>(github, query, variables);
    for (const [i, item] of chunk.entries()) {
      const node = data.repository?.[`f${i}`] ?? null;
      if (item.folder) {
        const files = new Map<string, BlobNode>();
        if (node?.__typename === "Tree") collectTree(node, files);
        result.folders.set(keyOf(item.oid, item.path), [...files.keys()].sort());
        for (const [path, blob] of files) result.files.set(keyOf(item.oid, path), await toContent(github, repo, blob, maxBytes));
      } else {
        result.files.set(keyOf(item.oid, item.path), node?.__typename === "Blob" ? await toContent(github, repo, node, maxBytes) : undefined);
      }
    }
  }
  return result;
}

function collectTree(tree: TreeNode, into: Map<string, BlobNode>): void {
  for (const entry of tree.entries ?? []) {
    if (entry.object?.__typename === "Blob") into.set(entry.path, entry.object);
    else if (entry.object?.__typename === "Tree") collectTree(entry.object, into);
  }
}

async function toContent(github: GitHub, repo: RepoRef, blob: BlobNode, maxBytes: number): Promise<FileContent> {
  if (blob.byteSize > maxBytes) return { kind: "too-large", size: blob.byteSize };
  if (blob.isBinary || blob.text === null) return { kind: "binary", size: blob.byteSize };
  if (!blob.isTruncated) return { kind: "text", text: blob.text, size: blob.byteSize };
  let text = truncatedBlobs.get(blob.oid);
  if (text === undefined) {
    const { data } = await github.rest.git.getBlob({ owner: repo.owner, repo: repo.repo, file_sha: blob.oid });
    text = Buffer.from(data.content, "base64").toString("utf8");
    if (truncatedBlobs.size >= maxCachedBlobs) truncatedBlobs.delete(truncatedBlobs.keys().next().value!);
    truncatedBlobs.set(blob.oid, text);
  }
  return { kind: "text", text, size: blob.byteSize };
}
