/** The default `limits.max_file_bytes`. */
export const defaultMaxFileBytes = 4 * 1024 * 1024;

/** Bounds that keep hostile input from exhausting time or memory. */
export interface ParseLimits {
  /**
   * Files larger than this are not parsed (bytes). The default, 4 MiB, lets real generated manifests
   * through (kube-prometheus' dashboards file is 1.05 MB) and stays under the config's 8 MiB ceiling.
   */
  maxFileBytes: number;
  /** Aliases allowed per document: the YAML library resolves each one by a scan of the document. */
  maxAliases: number;
  /**
   * Nodes that aliases may add to a file when expanded ("billion laughs" guard): as many as the file
   * writes out, and at least this many. Later stages then handle at most twice the file plus this.
   */
  aliasNodeFloor: number;
  /** Deepest nesting of maps and lists. */
  maxDepth: number;
  /** Documents allowed in one YAML stream. */
  maxDocuments: number;
}

export const defaultParseLimits: ParseLimits = {
  maxFileBytes: defaultMaxFileBytes,
  maxAliases: 1_000,
  aliasNodeFloor: 10_000,
  maxDepth: 100,
  maxDocuments: 10_000,
};
