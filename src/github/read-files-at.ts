import { withExecutableBit, type FileContent, type LinkEntry } from "../engine/change-set.js";
import { mapConcurrent } from "../engine/map-concurrent.js";
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
  entries: { path: string; mode: number; type: string; object: BlobNode | TreeNode | null }[] | null;
}

/** A tree entry as `Commit.file(path:)` returns it: the mode tells a file from a symlink or submodule. */
export interface EntryNode {
  mode: number;
  type: string;
  object: BlobNode | TreeNode | null;
}

const blobFields = "__typename ... on Blob { oid byteSize isBinary isTruncated text }";
export const entryFields = `mode type object { ${blobFields} }`;
// Folders are listed three levels deep in one query; policy folders are shallow.
const treeFields = `__typename ... on Tree { entries { path mode type object { ${blobFields} ... on Tree { entries { path mode type object { ${blobFields} ... on Tree { entries { path mode type object { ${blobFields} } } } } } } } } }`;

/** GraphQL gives git's octal modes as decimal numbers: 0o120000 is a symlink, 0o160000 a submodule. */
function linkOf(entry: { mode: number; type: string }): LinkEntry | undefined {
  if ((entry.mode & 0o170000) === 0o120000) return { kind: "symlink" };
  if ((entry.mode & 0o170000) === 0o160000 || entry.type === "commit") return { kind: "submodule" };
  return undefined;
}

/** Aliases per query: GitHub limits query cost and response size, so big reads are split. */
const perQuery = 200;
/** Probes per query, on top of the reads: mostly missing paths or small files. */
const probesPerQuery = 100;
/** Queries of one read in flight at once. */
const queriesInFlight = 4;

/** Blobs GraphQL truncated, fetched whole once and kept by oid (contents never change for an oid). */
const truncatedBlobs = new Map<string, string>();
const maxCachedBlobs = 500;

export interface FileRequest {
  oid: string;
  path: string;
  /** List the folder (and read its files) instead of reading a file. */
  folder?: boolean;
  /**
   * A small file that is looked for rather than known to exist (a Chart.yaml, a kustomization): up to
   * 100 ride along in each query beside its 200 reads, so looking them up costs no request of its own
   * unless there are more of them than the reads' queries can carry.
   */
  probe?: boolean;
  /** This file's own size limit, when it differs from the call's (control-plane files and changed files read together). */
  maxBytes?: number;
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
 * Files are read as tree entries (`Commit.file`), so a symlink or submodule comes back as such, in
 * the same query, instead of as the link's text.
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
  const reads = wanted.filter((r) => !r.probe);
  const probes = wanted.filter((r) => r.probe);
  const queries = Math.max(Math.ceil(reads.length / perQuery), Math.ceil(probes.length / probesPerQuery));
  // A few queries at a time: a large change's files arrive in the time of a few queries, not of all
  // of them one after the other (GitHub allows 100 requests in flight). Merged in query order, so
  // what was read does not depend on which answer came first.
  const answers = await mapConcurrent(Array.from({ length: queries }, (_, q) => q), queriesInFlight, async (q) => {
    const chunk = [...reads.slice(q * perQuery, (q + 1) * perQuery), ...probes.slice(q * probesPerQuery, (q + 1) * probesPerQuery)];
    const variables: Record<string, unknown> = { owner: repo.owner, repo: repo.repo };
    const declarations = ["$owner: String!", "$repo: String!"];
    const fields: string[] = [];
    // Files of one commit are fields of that commit; folders are trees read by `oid:path`.
    const commits = [...new Set(chunk.filter((item) => !item.folder).map((item) => item.oid))];
    commits.forEach((oid, j) => {
      variables[`o${j}`] = oid;
      declarations.push(`$o${j}: String!`);
      const files = chunk.flatMap((item, i) => (!item.folder && item.oid === oid ? [i] : [])).map((i) => {
        variables[`p${i}`] = chunk[i]!.path;
        declarations.push(`$p${i}: String!`);
        return `f${i}: file(path: $p${i}) { ${entryFields} }`;
      });
      fields.push(`c${j}: object(expression: $o${j}) { ... on Commit { ${files.join(" ")} } }`);
    });
    chunk.forEach((item, i) => {
      if (!item.folder) return;
      variables[`e${i}`] = keyOf(item.oid, item.path);
      declarations.push(`$e${i}: String!`);
      fields.push(`d${i}: object(expression: $e${i}) { ${treeFields} }`);
    });
    const query = `query(${declarations.join(", ")}) { repository(owner: $owner, name: $repo) { ${fields.join(" ")} } }`;
    const data = await graphqlQuery<{ repository: Record<string, unknown> | null }>(github, query, variables);
    const answer: FilesAt = { files: new Map(), folders: new Map() };
    for (const [i, item] of chunk.entries()) {
      if (item.folder) {
        const node = (data.repository?.[`d${i}`] ?? null) as TreeNode | BlobNode | null;
        const files = new Map<string, { blob: BlobNode; mode: number } | LinkEntry>();
        if (node?.__typename === "Tree") collectTree(node, files);
        answer.folders.set(keyOf(item.oid, item.path), [...files.keys()].sort());
        for (const [path, found] of files) {
          answer.files.set(keyOf(item.oid, path), "kind" in found ? found : withExecutableBit(await toContent(github, repo, found.blob, item.maxBytes ?? maxBytes), isExecutable(found.mode)));
        }
      } else {
        const commit = (data.repository?.[`c${commits.indexOf(item.oid)}`] ?? null) as Record<string, EntryNode | null> | null;
        const entry = commit?.[`f${i}`] ?? null;
        answer.files.set(keyOf(item.oid, item.path), entry ? await entryContent(github, repo, entry, item.maxBytes ?? maxBytes) : undefined);
      }
    }
    return answer;
  });
  for (const answer of answers) {
    for (const [key, content] of answer.files) result.files.set(key, content);
    for (const [key, paths] of answer.folders) result.folders.set(key, paths);
  }
  return result;
}

export async function entryContent(github: GitHub, repo: RepoRef, entry: EntryNode, maxBytes: number): Promise<FileContent | undefined> {
  const link = linkOf(entry);
  if (link) return link;
  return entry.object?.__typename === "Blob" ? withExecutableBit(await toContent(github, repo, entry.object, maxBytes), isExecutable(entry.mode)) : undefined;
}

/** A regular file git records as executable (100755). */
const isExecutable = (mode: number) => (mode & 0o170000) === 0o100000 && (mode & 0o111) !== 0;

function collectTree(tree: TreeNode, into: Map<string, { blob: BlobNode; mode: number } | LinkEntry>): void {
  for (const entry of tree.entries ?? []) {
    const link = linkOf(entry);
    if (link) into.set(entry.path, link);
    else if (entry.object?.__typename === "Blob") into.set(entry.path, { blob: entry.object, mode: entry.mode });
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
