/** Bounds that keep hostile input from exhausting time or memory. */
export interface ParseLimits {
  /** Files larger than this are not parsed (bytes). */
  maxFileBytes: number;
  /** Alias expansions allowed per document (YAML "billion laughs" guard). */
  maxAliases: number;
  /** Deepest nesting of maps and lists. */
  maxDepth: number;
  /** Documents allowed in one YAML stream. */
  maxDocuments: number;
}

export const defaultParseLimits: ParseLimits = {
  maxFileBytes: 1024 * 1024,
  maxAliases: 100,
  maxDepth: 100,
  maxDocuments: 10_000,
};
