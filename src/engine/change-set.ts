import type { RenderedChange } from "../rendering/render-types.js";

/**
 * The content of one file version, or why it could not be read. A symbolic link (git mode 120000) or a
 * submodule (a gitlink, mode 160000) is not a file at all: it is never followed or read as text, since
 * what a link points at or what a submodule holds is outside what Gitgate can judge.
 */
export type FileContent =
  /** `encoding`: not UTF-8, decoded as kubectl decodes it (see toFileContent). */
  | { kind: "text"; text: string; size: number; executable?: true; encoding?: TextEncoding }
  | { kind: "too-large"; size: number }
  | { kind: "binary"; size: number }
  | LinkEntry;

/** UTF-16 after its byte order mark, or UTF-8 with bytes that are not (each read as U+FFFD). */
export type TextEncoding = "utf-16le" | "utf-16be" | "invalid-utf-8";

export type LinkEntry = { kind: "symlink" } | { kind: "submodule" };

/**
 * A head version the source has not read yet: the engine asks the change set's `load` for it when it
 * judges the file, and lets it go once judged. The CLI's validate lists a whole working tree this
 * way, so memory does not grow with the number of files.
 */
export type DeferredContent = { kind: "deferred" };

/**
 * The content with git's executable bit recorded (mode 100755). Only the governed-diff digest reads it:
 * a commit that makes a governed script executable changes what runs, so an approval of the commit
 * before it must not carry over, although no byte changed.
 */
export function withExecutableBit(content: FileContent | undefined, executable: boolean): FileContent | undefined {
  return executable && content?.kind === "text" ? { ...content, executable: true } : content;
}

export const isLinkEntry = (content: FileContent | DeferredContent | undefined): content is LinkEntry =>
  content?.kind === "symlink" || content?.kind === "submodule";

export type ChangeStatus = "added" | "modified" | "removed" | "renamed";

/** One file a change set touches, with its content before and after. */
export interface FileChange {
  path: string;
  status: ChangeStatus;
  /** The path at the base when the file was renamed. */
  previousPath?: string;
  before?: FileContent;
  after?: FileContent | DeferredContent;
}

/** What a PR (or a local base...head) changes, with identifiers for the report. */
export interface ChangeSet {
  base: string;
  head: string;
  files: FileChange[];
  /**
   * Files at the head that the change does not touch but that decide how its files are read (a chart's
   * `Chart.yaml`, a folder's kustomization: see gitops-files.ts); undefined where no such file exists.
   */
  headContext?: ReadonlyMap<string, FileContent | undefined>;
  /** Reads a deferred head version; undefined when it cannot be read any more (then it is an error). */
  load?(path: string): Promise<FileContent | undefined>;
  /**
   * The deferred files the engine will still `load`, in the order it will ask for them: a loader that
   * reads ahead reads only these from then on (files judged already are not read again).
   */
  willLoad?(paths: readonly string[]): void;
  /** The Kustomize and Helm targets the change touches, rendered at base and head by the shell (src/rendering). */
  rendered?: RenderedChange;
}

/** The head version of a file, read now if it was deferred. */
export async function headContent(changes: ChangeSet, change: FileChange): Promise<FileContent | undefined> {
  if (change.after?.kind !== "deferred") return change.after;
  if (!changes.load) throw new Error(`${change.path} was not read and the change set cannot read it`);
  return changes.load(change.path);
}

/**
 * A file as a host may hand it to an evaluation thread: its content, or its bytes still to be decoded
 * there (see decodeRead). Decoding on the thread that judges keeps the text of a whole repository's
 * files off the main thread's heap, whose young generation Node lets grow to 64 MB on such churn.
 */
export type ReadContent = FileContent | { kind: "bytes"; bytes: Uint8Array };

/** The content of a file as read (see ReadContent); its size was checked against the limit when read. */
export function decodeRead(read: ReadContent | undefined): FileContent | undefined {
  return read?.kind === "bytes" ? toFileContent(read.bytes, Infinity) : read;
}

/**
 * Classifies raw bytes the way every source must, so the engine sees one shape. Text is decoded as
 * kubectl decodes a manifest (a UTF-16 byte order mark switches to UTF-16, anything else is UTF-8 with
 * each invalid byte read as U+FFFD), so that a file saved as UTF-16 or Latin-1 is judged for what the
 * cluster gets, not excused as binary. Binary is what no such reader can read: a NUL byte early on
 * without a UTF-16 mark (YAML and JSON allow no raw NUL).
 */
export function toFileContent(bytes: Uint8Array, maxBytes: number): FileContent {
  if (bytes.byteLength > maxBytes) return { kind: "too-large", size: bytes.byteLength };
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? "utf-16le" : bytes[0] === 0xfe && bytes[1] === 0xff ? "utf-16be" : undefined;
  if (utf16) return { kind: "text", text: new TextDecoder(utf16).decode(bytes), size: bytes.byteLength, encoding: utf16 };
  const sniff = bytes.subarray(0, 8192);
  if (sniff.includes(0)) return { kind: "binary", size: bytes.byteLength };
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    return { kind: "text", text, size: bytes.byteLength };
  } catch {
    return { kind: "text", text: new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes), size: bytes.byteLength, encoding: "invalid-utf-8" };
  }
}
